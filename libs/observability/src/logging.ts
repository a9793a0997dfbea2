import { LoggerModule } from 'nestjs-pino';
import type { IncomingMessage } from 'node:http';

/**
 * Structured JSON logs. Requests are logged by method, path and status only: query strings and
 * bodies can hold e-mails and phone numbers, and keys never leave the process.
 */
export function loggingModule(level: string) {
  return LoggerModule.forRoot({
    pinoHttp: {
      level,
      autoLogging: { ignore: (req: IncomingMessage) => req.url === '/health' || req.url === '/metrics' },
      serializers: {
        req: (req: { method: string; url: string; id: unknown }) => ({
          id: req.id,
          method: req.method,
          path: req.url.split('?')[0],
        }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      },
      redact: { paths: ['req.headers', 'email', 'phone', 'name', '*.email', '*.phone', '*.name'], remove: true },
    },
  });
}
