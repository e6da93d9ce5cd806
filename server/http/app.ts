/**
 * The HTTP server: Fastify with zod schemas (one schema gives types, validation and the OpenAPI document at /docs).
 * Every error leaves as `{ code, message }` with the catalogue's status; validation failures are
 * ABONE_ERR_HTTP_VALIDATION; anything unexpected is logged with its stack and answered without internals.
 */
import Fastify, { LogController, type FastifyInstance } from 'fastify';
import cookie from '@fastify/cookie';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { serializerCompiler, validatorCompiler, jsonSchemaTransform, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { AboneError } from '../../platform/errors.ts';
import { rootLogger, newCorrelationId } from '../../platform/logger.ts';
import { installGuard } from '../../modules/access/index.ts';
import type { Pool } from '../../platform/db/pool.ts';

export type App = FastifyInstance<any, any, any, any, ZodTypeProvider>;

/** The app with cookies and the permission guard in place: every route registered on it must declare a permission. */
export async function createApp(pool: Pool): Promise<App> {
  const app = Fastify({
    loggerInstance: rootLogger.child({ context: 'http' }),
    genReqId: (req) => (typeof req.headers['x-correlation-id'] === 'string' ? req.headers['x-correlation-id'].slice(0, 64) : newCorrelationId()),
    logController: new LogController({ requestIdLogLabel: 'correlationId' }),
    bodyLimit: 1024 * 1024,
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  await app.register(cookie);
  installGuard(app, pool);
  await app.register(swagger, {
    openapi: { info: { title: 'Abone API', version: '0.1.0', description: 'Subscriber management and AMI head-end' } },
    transform: jsonSchemaTransform,
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  app.addHook('onSend', async (req, reply) => {
    reply.header('x-correlation-id', req.id);
  });
  app.setErrorHandler((err: any, req, reply) => {
    if (err instanceof AboneError) {
      if (err.kind !== 'user') req.log.warn({ code: err.code, err: err.message }, 'request failed');
      return reply.status(err.status).send(err.toJSON());
    }
    if (err.validation || err.code === 'FST_ERR_VALIDATION') {
      const e = new AboneError('ABONE_ERR_HTTP_VALIDATION', { detail: err.message });
      return reply.status(400).send(e.toJSON());
    }
    if (typeof err.statusCode === 'number' && err.statusCode < 500) {
      return reply.status(err.statusCode).send({ code: 'ABONE_ERR_HTTP_VALIDATION', message: err.message });
    }
    req.log.error({ err }, 'unexpected error');
    return reply.status(500).send(new AboneError('ABONE_ERR_HTTP_INTERNAL').toJSON());
  });
  app.setNotFoundHandler((req, reply) => {
    reply.status(404).send(new AboneError('ABONE_ERR_HTTP_NOT_FOUND', { method: req.method, url: req.url.slice(0, 200) }).toJSON());
  });
  return app;
}
