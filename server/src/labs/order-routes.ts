import { Type } from '../http/json-schema.ts';
import { requireStudioActor } from '../http/access.ts';
import type { App } from '../http/app-type.ts';
import { missingBodyAsEmpty } from '../http/optional-body.ts';
import { closed } from '../http/schemas.ts';
import type { LabsDeps } from './deps.ts';
import { cancelPrintOrder, createPrintOrder, getPrintOrder, listAvailableLabs, listPrintOrders, submitPrintOrder, updatePrintOrder } from './orders.ts';
import { availableLabSchema, createOrderBody, idParams, printOrderSchema, printOrderSummarySchema, updateOrderBody } from './schemas.ts';

/** The photographer's print orders: every route acts in the caller's studio; another studio's ids and labs not enabled for it are 404. */

const tags = ['print-orders'];
const config = { access: 'signed-in', permission: 'lab-orders' } as const;
const orderAnswer = Type.Object({ order: printOrderSchema }, closed);
const emptyBody = Type.Object({}, closed);

export function printOrderRoutes(app: App, deps: LabsDeps): void {
  app.get(
    '/api/print-labs',
    {
      config,
      schema: {
        operationId: 'listAvailableLabs',
        tags,
        summary: 'The labs your studio may send print orders to (chosen by an administrator), with their catalogues.',
        response: { 200: Type.Object({ labs: Type.Array(availableLabSchema) }, closed) },
      },
    },
    async (request) => ({ labs: await listAvailableLabs(deps, requireStudioActor(request)) }),
  );

  app.post(
    '/api/print-orders',
    {
      config,
      schema: {
        operationId: 'createPrintOrder',
        tags,
        summary: 'Draft a print order to a lab: lines of selected files (or every file of an album), shipping details (sealed at rest), due date, notes.',
        body: createOrderBody,
        response: { 201: orderAnswer },
      },
    },
    async (request, reply) => reply.status(201).send({ order: await createPrintOrder(deps, requireStudioActor(request), request.body) }),
  );

  app.get(
    '/api/print-orders',
    {
      config,
      schema: { operationId: 'listPrintOrders', tags, summary: 'The studio’s print orders, newest first.', response: { 200: Type.Object({ orders: Type.Array(printOrderSummarySchema) }, closed) } },
    },
    async (request) => ({ orders: await listPrintOrders(deps, requireStudioActor(request)) }),
  );

  app.get(
    '/api/print-orders/:id',
    { config, schema: { operationId: 'getPrintOrder', tags, summary: 'One print order, its lines and its timeline (status changes and the lab’s actions).', params: idParams, response: { 200: orderAnswer } } },
    async (request) => ({ order: await getPrintOrder(deps, requireStudioActor(request), request.params.id) }),
  );

  app.patch(
    '/api/print-orders/:id',
    {
      config,
      schema: { operationId: 'updatePrintOrder', tags, summary: 'Change a draft (409 order_not_draft once submitted); lines given replace the lines.', params: idParams, body: updateOrderBody, response: { 200: orderAnswer } },
    },
    async (request) => ({ order: await updatePrintOrder(deps, requireStudioActor(request), request.params.id, request.body) }),
  );

  app.post(
    '/api/print-orders/:id/submit',
    {
      config,
      preValidation: missingBodyAsEmpty,
      schema: { operationId: 'submitPrintOrder', tags, summary: 'Send the draft to its lab; the lab’s contacts are emailed.', params: idParams, body: emptyBody, response: { 200: orderAnswer } },
    },
    async (request) => ({ order: await submitPrintOrder(deps, requireStudioActor(request), request.params.id) }),
  );

  app.post(
    '/api/print-orders/:id/cancel',
    {
      config,
      preValidation: missingBodyAsEmpty,
      schema: { operationId: 'cancelPrintOrder', tags, summary: 'Withdraw the order before it ships; the lab’s access to its files ends at once.', params: idParams, body: emptyBody, response: { 200: orderAnswer } },
    },
    async (request) => ({ order: await cancelPrintOrder(deps, requireStudioActor(request), request.params.id) }),
  );
}
