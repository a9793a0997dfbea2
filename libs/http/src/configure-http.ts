import { existsSync } from 'node:fs';
import path from 'node:path';
import type { INestApplication } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { NextFunction, Request, Response } from 'express';
import helmet from 'helmet';
import { HttpErrorFilter } from './http-error.filter.js';

/** The console's files at /console; any other path under it is a client route, answered with index.html. */
function serveConsole(express: NestExpressApplication, dir: string): void {
  const root = path.resolve(dir);
  const index = path.join(root, 'index.html');
  express.useStaticAssets(root, { prefix: '/console/', index: false, redirect: false, maxAge: '1h' });
  express.use('/console', (request: Request, response: Response, next: NextFunction) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return next();
    if (!existsSync(index)) {
      response.status(503).type('text/plain').send('The console is not built: run npm run build:console');
      return;
    }
    // Hashed assets are cached by the static handler; the page itself is always revalidated.
    response.setHeader('Cache-Control', 'no-cache');
    response.sendFile(index);
  });
}

/** Security headers, CORS, body limits, the error filter, the web console and the OpenAPI page at /docs. */
export function configureHttp(
  app: INestApplication,
  options: { corsOrigins?: string; consoleDir?: string } = {},
): void {
  const express = app as NestExpressApplication;
  express.use(
    helmet({
      contentSecurityPolicy: {
        directives: {
          'script-src': ["'self'"],
          'style-src': ["'self'", "'unsafe-inline'"],
          'img-src': ["'self'", 'data:'],
        },
      },
    }),
  );
  if (options.corsOrigins) express.enableCors({ origin: options.corsOrigins.split(',').map((o) => o.trim()) });
  express.useBodyParser('json', { limit: '8mb' });
  express.disable('x-powered-by');
  if (options.consoleDir) serveConsole(express, options.consoleDir);
  app.useGlobalFilters(new HttpErrorFilter());
  app.enableShutdownHooks();
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Customer 360')
      .setDescription(
        'Touchpoints in, customer timeline and read models out. Every /v1 endpoint needs an API key in the x-api-key header; its role decides what it may call (docs/security.md).',
      )
      .setVersion('1')
      .addApiKey({ type: 'apiKey', in: 'header', name: 'x-api-key' }, 'api-key')
      .addSecurityRequirements('api-key')
      .build(),
  );
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs/openapi.json' });
}
