import { Type } from '../http/json-schema.ts';
import { requireStudioActor } from '../http/access.ts';
import type { App } from '../http/app-type.ts';
import { missingBodyAsEmpty } from '../http/optional-body.ts';
import { closed } from '../http/schemas.ts';
import type { ImagesDeps } from './deps.ts';
import { createKey, listKeys, revokeKey, rotateKey, updateKey } from './keys.ts';
import { createProject, deleteProject, getProject, listProjects, updateProject } from './projects.ts';
import {
  createKeyBody,
  createProjectBody,
  fileParams,
  keyParams,
  keySchema,
  keyWithSecret,
  projectAnswer,
  projectParams,
  projectSchema,
  rotateKeyBody,
  updateKeyBody,
  updateProjectBody,
  usageQuery,
  usageSchema,
  webFileListSchema,
  webUsageBody,
  webUsageSchema,
} from './schemas.ts';
import { getUsage } from './usage.ts';
import { listWebFiles, setFileWebUsage } from './web-files.ts';

/** The image service's control plane: every route acts in the caller's studio, and another studio's ids are 404. */

const tags = ['images'];
const config = { access: 'signed-in', permission: 'images' } as const;
const keyAnswer = Type.Object({ key: keySchema }, closed);

export function imageControlRoutes(app: App, deps: ImagesDeps): void {
  app.post(
    '/api/images/projects',
    {
      config,
      schema: { operationId: 'createImageProject', tags, summary: 'Create an image project: a slug for URLs, allowlists and expiry rules.', body: createProjectBody, response: { 201: projectAnswer } },
    },
    async (request, reply) => reply.status(201).send(await createProject(deps, requireStudioActor(request), request.body)),
  );

  app.get(
    '/api/images/projects',
    { config, schema: { operationId: 'listImageProjects', tags, summary: 'The studio’s image projects.', response: { 200: Type.Object({ projects: Type.Array(projectSchema) }, closed) } } },
    async (request) => ({ projects: await listProjects(deps, requireStudioActor(request)) }),
  );

  app.get(
    '/api/images/projects/:projectId',
    { config, schema: { operationId: 'getImageProject', tags, summary: 'One image project.', params: projectParams, response: { 200: Type.Object({ project: projectSchema }, closed) } } },
    async (request) => ({ project: await getProject(deps, requireStudioActor(request), request.params.projectId) }),
  );

  app.patch(
    '/api/images/projects/:projectId',
    {
      config,
      schema: { operationId: 'updateImageProject', tags, summary: 'Edit a project: name, slug, allowlists, expiry rules, originals, imgproxy signing.', params: projectParams, body: updateProjectBody, response: { 200: projectAnswer } },
    },
    async (request) => updateProject(deps, requireStudioActor(request), request.params.projectId, request.body),
  );

  app.delete(
    '/api/images/projects/:projectId',
    { config: { ...config, permission: 'delete' as const }, schema: { operationId: 'deleteImageProject', tags, summary: 'Delete a project with its keys: its URLs stop working at once.', params: projectParams, response: { 204: Type.Null() } } },
    async (request, reply) => {
      await deleteProject(deps, requireStudioActor(request), request.params.projectId);
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/api/images/projects/:projectId/keys',
    {
      config,
      schema: { operationId: 'createImageKey', tags, summary: 'Create an API key: the secret is in this answer only.', params: projectParams, body: createKeyBody, response: { 201: keyWithSecret } },
    },
    async (request, reply) => reply.status(201).send(await createKey(deps, requireStudioActor(request), request.params.projectId, request.body)),
  );

  app.get(
    '/api/images/projects/:projectId/keys',
    { config, schema: { operationId: 'listImageKeys', tags, summary: 'A project’s API keys with their status (never their secrets).', params: projectParams, response: { 200: Type.Object({ keys: Type.Array(keySchema) }, closed) } } },
    async (request) => ({ keys: await listKeys(deps, requireStudioActor(request), request.params.projectId) }),
  );

  app.patch(
    '/api/images/projects/:projectId/keys/:keyId',
    { config, schema: { operationId: 'updateImageKey', tags, summary: 'Edit a key: name, narrowed allowlists, limits, expiry.', params: keyParams, body: updateKeyBody, response: { 200: keyAnswer } } },
    async (request) => ({ key: await updateKey(deps, requireStudioActor(request), request.params.projectId, request.params.keyId, request.body) }),
  );

  app.post(
    '/api/images/projects/:projectId/keys/:keyId/rotate',
    {
      config,
      preValidation: missingBodyAsEmpty,
      schema: { operationId: 'rotateImageKey', tags, summary: 'A new secret (shown once); the previous one signs on for the grace period.', params: keyParams, body: rotateKeyBody, response: { 200: keyWithSecret } },
    },
    async (request) => rotateKey(deps, requireStudioActor(request), request.params.projectId, request.params.keyId, request.body.graceDays ?? 1),
  );

  app.post(
    '/api/images/projects/:projectId/keys/:keyId/revoke',
    {
      config,
      preValidation: missingBodyAsEmpty,
      schema: { operationId: 'revokeImageKey', tags, summary: 'Stop a key at once, its previous secret included.', params: keyParams, body: Type.Object({}, closed), response: { 200: keyAnswer } },
    },
    async (request) => ({ key: await revokeKey(deps, requireStudioActor(request), request.params.projectId, request.params.keyId) }),
  );

  app.get(
    '/api/images/projects/:projectId/usage',
    {
      config,
      schema: { operationId: 'getImageUsage', tags, summary: 'Requests, bytes, cache hits and refusals by reason, per minute (last hour) and per day (last 30 days).', params: projectParams, querystring: usageQuery, response: { 200: usageSchema } },
    },
    async (request) => getUsage(deps, requireStudioActor(request), request.params.projectId, request.query.keyId),
  );

  app.get(
    '/api/images/web-files',
    {
      config,
      schema: {
        operationId: 'listWebFiles',
        tags,
        summary: 'The studio’s files usable in image URLs (setFileWebUsage), latest first, with the source to put in a URL: what the URL builder offers.',
        querystring: Type.Object({}, closed),
        response: { 200: webFileListSchema },
      },
    },
    async (request) => listWebFiles(deps, requireStudioActor(request)),
  );

  app.put(
    '/api/images/web-files/:fileId',
    {
      config,
      schema: { operationId: 'setFileWebUsage', tags, summary: 'Mark a vault file usable in image URLs (or stop): its public id and the source to put in a URL.', params: fileParams, body: webUsageBody, response: { 200: webUsageSchema } },
    },
    async (request) => setFileWebUsage(deps, requireStudioActor(request), request.params.fileId, request.body.published),
  );
}
