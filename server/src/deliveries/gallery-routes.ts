import { requireStudioActor } from '../http/access.ts';
import type { App } from '../http/app-type.ts';
import type { DeliveriesDeps } from './deps.ts';
import { addDeliveryFiles, createDeliverySet, deleteDeliverySet, removeDeliveryFiles, reorderDeliveryFiles, updateDeliverySet } from './gallery.ts';
import { addFilesBody, createSetBody, deliveryGallerySchema, removeFilesBody, reorderBody, setParams, updateSetBody } from './gallery-schemas.ts';
import { deliveryIdParams } from './schemas.ts';

/** The photographer's edits of a delivery's gallery (gallery.ts): each answers the delivery, its files in order and its sets. */

const tags = ['deliveries'];
const config = { access: 'signed-in', permission: 'deliveries' } as const;
const response = { 200: deliveryGallerySchema };

export function deliveryGalleryRoutes(app: App, deps: DeliveriesDeps): void {
  app.post(
    '/api/deliveries/:id/files',
    {
      config,
      schema: {
        operationId: 'addDeliveryFiles',
        tags,
        summary: 'Add files to a delivery, live: the client sees them on the next load; each is an event.',
        params: deliveryIdParams,
        body: addFilesBody,
        response,
      },
    },
    async (request) => addDeliveryFiles(deps, requireStudioActor(request), request.params.id, request.body),
  );

  app.post(
    '/api/deliveries/:id/files/remove',
    {
      config,
      schema: {
        operationId: 'removeDeliveryFiles',
        tags,
        summary: 'Take files out of a delivery (they stay in the vault): the client no longer sees them and their links stop working.',
        params: deliveryIdParams,
        body: removeFilesBody,
        response,
      },
    },
    async (request) => removeDeliveryFiles(deps, requireStudioActor(request), request.params.id, request.body),
  );

  app.put(
    '/api/deliveries/:id/order',
    {
      config,
      schema: {
        operationId: 'reorderDeliveryFiles',
        tags,
        summary: 'Order a delivery’s files by hand (drag and drop), or sort them by real capture time or by name.',
        params: deliveryIdParams,
        body: reorderBody,
        response,
      },
    },
    async (request) => reorderDeliveryFiles(deps, requireStudioActor(request), request.params.id, request.body),
  );

  app.post(
    '/api/deliveries/:id/sets',
    {
      config,
      schema: {
        operationId: 'createDeliverySet',
        tags,
        summary: 'Add a set (a section such as Ceremony), optionally with files of the delivery in it.',
        params: deliveryIdParams,
        body: createSetBody,
        response,
      },
    },
    async (request) => createDeliverySet(deps, requireStudioActor(request), request.params.id, request.body),
  );

  app.patch(
    '/api/deliveries/:id/sets/:setId',
    {
      config,
      schema: {
        operationId: 'updateDeliverySet',
        tags,
        summary: 'Rename a set, move it among the sets, move files into it or out of it.',
        params: setParams,
        body: updateSetBody,
        response,
      },
    },
    async (request) => updateDeliverySet(deps, requireStudioActor(request), request.params.id, request.params.setId, request.body),
  );

  app.delete(
    '/api/deliveries/:id/sets/:setId',
    {
      config: { ...config, permission: 'delete' },
      schema: {
        operationId: 'deleteDeliverySet',
        tags,
        summary: 'Delete a set: its files stay in the delivery, in no set.',
        params: setParams,
        response,
      },
    },
    async (request) => deleteDeliverySet(deps, requireStudioActor(request), request.params.id, request.params.setId),
  );
}
