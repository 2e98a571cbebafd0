/**
 * One error shape for every API failure: `{ error: <code>, message }`.
 * Validation failures name the field; unexpected errors are logged and answer
 * a generic 500 without any internal detail.
 */
import type { FastifyError, FastifyInstance } from 'fastify';
import { isPalisadeError, type Logger } from '@palisade/common';

export interface ApiErrorBody {
  readonly error: string;
  readonly message: string;
  readonly details?: Readonly<Record<string, unknown>>;
}

export function registerErrorHandler(app: FastifyInstance, logger: Logger): void {
  app.setErrorHandler((err: FastifyError, request, reply) => {
    if (isPalisadeError(err)) {
      const retry = err.details?.['retryAfterSeconds'];
      if (typeof retry === 'number') void reply.header('retry-after', String(retry));
      const body: ApiErrorBody = {
        error: err.code,
        message: err.message,
        ...(err.details ? { details: err.details } : {}),
      };
      return reply.status(err.httpStatus).send(body);
    }
    if (err.validation) {
      const where = err.validationContext ?? 'request';
      return reply.status(400).send({
        error: 'validation_failed',
        message: `${where}${err.message.replace(/^(body|params|querystring)/, '')}`,
      } satisfies ApiErrorBody);
    }
    const status = err.statusCode ?? 500;
    if (status >= 400 && status < 500) {
      const code =
        status === 413
          ? 'payload_too_large'
          : status === 415
            ? 'unsupported_media'
            : status === 404
              ? 'not_found'
              : 'bad_request';
      return reply
        .status(status)
        .send({ error: code, message: err.message } satisfies ApiErrorBody);
    }
    logger.error('unhandled error in API route', {
      method: request.method,
      url: request.routeOptions.url,
      err: err.stack ?? String(err),
    });
    return reply
      .status(500)
      .send({ error: 'internal', message: 'internal error' } satisfies ApiErrorBody);
  });
  app.setNotFoundHandler((request, reply) => {
    return reply.status(404).send({
      error: 'not_found',
      message: `no route ${request.method} ${request.url.split('?')[0]?.slice(0, 200) ?? ''}`,
    } satisfies ApiErrorBody);
  });
}
