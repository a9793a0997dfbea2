import type { INestApplication } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import helmet from 'helmet';
import { HttpErrorFilter } from './http-error.filter.js';

/** Security headers, CORS, body limits, the error filter and the OpenAPI page at /docs. */
export function configureHttp(app: INestApplication, options: { corsOrigins?: string } = {}): void {
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
