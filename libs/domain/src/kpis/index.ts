export * from './kpi-periods.js';
export * from './kaplan-meier.js';
export * from './relationship-kpis.js';
