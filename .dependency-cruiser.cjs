/** Dependencies point inwards: the domain imports no framework, adapters depend on ports, libs never on apps. */
module.exports = {
  forbidden: [
    {
      name: 'domain-is-pure',
      comment:
        'The domain holds events, decisions and folds: no NestJS, TypeORM, kafkajs, pg or other library of ours.',
      severity: 'error',
      from: { path: '^libs/domain/src' },
      to: {
        path: [
          'node_modules/(@nestjs|typeorm|kafkajs|pg|@eventstore|class-validator|class-transformer)',
          '^libs/(?!domain/)',
        ],
      },
    },
    {
      name: 'libs-never-import-apps',
      severity: 'error',
      from: { path: '^libs/' },
      to: { path: '^apps/' },
    },
    {
      name: 'event-store-knows-no-read-side',
      comment: 'The event store is the innermost adapter: it knows nothing of projections, read models or ingestion.',
      severity: 'error',
      from: { path: '^libs/event-store/src' },
      to: { path: '^libs/(projections|read-models|ingestion|query-api|observability|http)/' },
    },
    {
      name: 'no-reaching-into-other-libs',
      comment: 'Another library is used through its index.ts (the @c360/<lib> alias), not its internals.',
      severity: 'error',
      from: { path: '^libs/([^/]+)/' },
      to: { path: '^libs/([^/]+)/src/(?!index\\.ts$)', pathNot: '^libs/$1/' },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    exclude: { path: '(^dist/|\\.spec\\.ts$)' },
  },
};
