import 'reflect-metadata';
import { runWorker } from '@c360/observability';
import { ProjectorAppModule } from './projector-app.module.js';

await runWorker('projector', (config, databaseUrl) => ProjectorAppModule.forRoot(config, databaseUrl));
