import { useCallback, useEffect, useMemo, useState, type FormEvent } from 'react';
import { useI18n, useSession } from '../app-context.js';
import { CsvButton, DataTable, ErrorNote, Loading, type Column } from '../components.js';
import {
  cohortHeatmap,
  cohortRows,
  retentionChurnSeries,
  serviceImpactBars,
  survivalRows,
  survivalSeries,
  type Cohort,
  type KpiPeriod,
  type ServiceImpactGroup,
  type SurvivalGroup,
} from '../logic/chart-data.js';
import { formatMoney, formatNumber, formatPercent } from '../logic/format.js';
import { Chart, type ChartOption } from './chart.js';

interface Kpis {
  periods: KpiPeriod[];
  averageLifetimeDays: { kaplanMeierMedian: number | null };
}
interface Survival {
  groups: SurvivalGroup[];
}
interface ServiceImpact {
  groups: ServiceImpactGroup[];
}
type Row = Record<string, unknown>;
interface Ranked {
  items: Row[];
}

const isoDay = (d: Date) => d.toISOString().slice(0, 10);

function defaultWindow() {
  const to = new Date();
  const from = new Date(Date.UTC(to.getUTCFullYear() - 1, to.getUTCMonth(), 1));
  return { period: 'month', from: isoDay(from), to: isoDay(to) };
}

function ChartBlock({
  title,
  option,
  csv,
}: {
  title: string;
  option: ChartOption;
  csv: { columns: string[]; rows: Row[] };
}) {
  return (
    <section className="chart-block" aria-label={title}>
      <div className="table-head">
        <h3>{title}</h3>
        <CsvButton title={title} columns={csv.columns} rows={csv.rows} />
      </div>
      <Chart option={option} label={title} />
    </section>
  );
}

function Rankings() {
  const { t, locale } = useI18n();
  const { api } = useSession();
  const [by, setBy] = useState<'loyalty' | 'value'>('loyalty');
  const [top, setTop] = useState<Row[] | null>(null);
  const [risk, setRisk] = useState<Row[] | null>(null);
  const [sku, setSku] = useState('');
  const [campaign, setCampaign] = useState<Row[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [campaignError, setCampaignError] = useState<unknown>(null);

  useEffect(() => {
    setError(null);
    Promise.all([
      api.get<Ranked>('/v1/analytics/top', { by, limit: 50 }),
      api.get<Ranked>('/v1/analytics/churn-risk', { limit: 50 }),
    ]).then(([a, b]) => {
      setTop(a.items);
      setRisk(b.items);
    }, setError);
  }, [api, by]);

  const findCampaign = async (event: FormEvent) => {
    event.preventDefault();
    setCampaignError(null);
    try {
      setCampaign((await api.get<Ranked>('/v1/analytics/cross-sell', { sku: sku.trim(), limit: 100 })).items);
    } catch (e) {
      setCampaign(null);
      setCampaignError(e);
    }
  };

  const money = (row: Row) => formatMoney(row.lifetimeSpend as number, (row.currency as string) ?? 'EUR', locale);
  const topColumns: Column<Row>[] = [
    { key: 'customerId', label: 'customerId' },
    { key: 'tier', label: t('card.tier') },
    { key: 'loyaltyScore', label: t('analytics.loyalty'), numeric: true },
    { key: 'lifetimeSpend', label: t('card.spend'), numeric: true, render: money },
    { key: 'churnRisk', label: t('card.churn'), numeric: true },
  ];
  const riskColumns: Column<Row>[] = [
    { key: 'customerId', label: 'customerId' },
    { key: 'churnRisk', label: t('card.churn'), numeric: true },
    { key: 'churnLevel', label: 'level' },
    {
      key: 'churnReasons',
      label: 'reasons',
      render: (r) => ([] as string[]).concat(r.churnReasons as string[]).join(' '),
    },
    { key: 'lifetimeSpend', label: t('card.spend'), numeric: true, render: money },
  ];
  return (
    <section aria-labelledby="rankings-heading">
      <h2 id="rankings-heading">{t('analytics.top')}</h2>
      <ErrorNote error={error} />
      <label>
        {t('analytics.by')}{' '}
        <select value={by} onChange={(e) => setBy(e.target.value as 'loyalty' | 'value')}>
          <option value="loyalty">{t('analytics.loyalty')}</option>
          <option value="value">{t('analytics.value')}</option>
        </select>
      </label>
      {top ? <DataTable title={t('analytics.top')} columns={topColumns} rows={top} /> : <Loading />}
      {risk ? <DataTable title={t('analytics.churnRisk')} columns={riskColumns} rows={risk} /> : <Loading />}
      <h3>{t('analytics.campaign')}</h3>
      <form className="row" onSubmit={findCampaign} noValidate>
        <label htmlFor="campaign-sku">{t('analytics.sku')}</label>
        <input
          id="campaign-sku"
          value={sku}
          aria-invalid={campaignError ? true : undefined}
          aria-describedby={campaignError ? 'campaign-sku-error' : undefined}
          onChange={(e) => setSku(e.target.value)}
        />
        <button type="submit" className="secondary">
          {t('analytics.find')}
        </button>
      </form>
      <ErrorNote error={campaignError} id="campaign-sku-error" />
      {campaign && (
        <DataTable
          title={`${t('analytics.campaign')} ${sku}`}
          columns={[
            { key: 'customerId', label: 'customerId' },
            { key: 'score', label: 'score', numeric: true },
            { key: 'reason', label: 'reason' },
          ]}
          rows={campaign}
        />
      )}
    </section>
  );
}

/** The analyst's view: KPIs for a chosen period as charts, and the rankings as sortable tables. */
export function AnalyticsView() {
  const { t, locale } = useI18n();
  const { api } = useSession();
  const [draft, setDraft] = useState(defaultWindow);
  const [range, setRange] = useState(defaultWindow);
  const [kpis, setKpis] = useState<Kpis | null>(null);
  const [cohorts, setCohorts] = useState<Cohort[] | null>(null);
  const [survival, setSurvival] = useState<SurvivalGroup[] | null>(null);
  const [impact, setImpact] = useState<ServiceImpactGroup[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [survivalError, setSurvivalError] = useState<unknown>(null);

  // Survival curves take no period, so they are read once rather than on every "Show".
  useEffect(() => {
    const controller = new AbortController();
    api.get<Survival>('/v1/analytics/survival', undefined, controller.signal).then(
      (s) => setSurvival(s.groups),
      (e: Error) => e.name !== 'AbortError' && setSurvivalError(e),
    );
    return () => controller.abort();
  }, [api]);

  const load = useCallback(async () => {
    setError(null);
    setKpis(null);
    try {
      const cohortPeriod = range.period === 'year' ? 'quarter' : range.period;
      const [k, c, i] = await Promise.all([
        api.get<Kpis>('/v1/analytics/kpis', range),
        api.get<{ cohorts: Cohort[] }>('/v1/analytics/cohorts', { ...range, period: cohortPeriod, limit: 100 }),
        api.get<ServiceImpact>('/v1/analytics/service-impact', { from: range.from, to: range.to }),
      ]);
      setKpis(k);
      setCohorts(c.cohorts);
      setImpact(i.groups);
    } catch (e) {
      setError(e);
    }
  }, [api, range]);

  useEffect(() => {
    void load();
  }, [load]);

  const charts = useMemo(() => {
    if (!kpis || !cohorts || !survival || !impact) return null;
    const series = retentionChurnSeries(kpis.periods);
    const heat = cohortHeatmap(cohorts);
    const curves = survivalSeries(survival);
    const bars = serviceImpactBars(impact);
    const percentAxis = { type: 'value', min: 0, max: 100, axisLabel: { formatter: '{value}%' } };
    return {
      retention: {
        tooltip: { trigger: 'axis' },
        legend: { data: [t('analytics.retentionRate'), t('analytics.churnRate')] },
        xAxis: { type: 'category', data: series.categories },
        yAxis: percentAxis,
        series: [
          { name: t('analytics.retentionRate'), type: 'line', data: series.retention, connectNulls: false },
          { name: t('analytics.churnRate'), type: 'line', data: series.churn, connectNulls: false },
        ],
      },
      cohorts: {
        tooltip: { position: 'top' },
        grid: { left: 140, bottom: 60 },
        xAxis: {
          type: 'category',
          data: heat.offsets,
          name: t('analytics.periodsAfter'),
          nameLocation: 'middle',
          nameGap: 30,
        },
        yAxis: { type: 'category', data: heat.cohorts, inverse: true },
        visualMap: { min: 0, max: 100, calculable: true, orient: 'horizontal', left: 'center', bottom: 0, show: false },
        series: [
          {
            type: 'heatmap',
            data: heat.cells,
            label: { show: true, formatter: (p: { value: number[] }) => `${p.value[2]}%` },
          },
        ],
      },
      survival: {
        tooltip: { trigger: 'axis' },
        legend: { data: curves.map((c) => c.name) },
        xAxis: { type: 'value', name: t('analytics.days'), nameLocation: 'middle', nameGap: 28 },
        yAxis: percentAxis,
        series: curves.map((c) => ({ name: c.name, type: 'line', step: 'end', showSymbol: false, data: c.points })),
      },
      impact: {
        tooltip: { trigger: 'axis' },
        xAxis: { type: 'category', data: bars.categories },
        yAxis: percentAxis,
        series: [{ name: t('analytics.churnRate'), type: 'bar', data: bars.churnRate }],
      },
    };
  }, [kpis, cohorts, survival, impact, t]);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setRange(draft);
  };

  const error400 = (field: string) => {
    const problem = error as { reasonFor?: (f: string) => string | undefined } | null;
    return problem?.reasonFor?.(field);
  };
  const cohortCsv = cohorts ? cohortRows(cohorts) : { columns: [], rows: [] };
  const kpiColumns = [
    'period',
    'activeCustomers',
    'newCustomers',
    'retainedCustomers',
    'retentionRate',
    'churnedCustomers',
    'churnRate',
    'revenue',
    'margin',
    'marketingSpend',
    'acquisitionCost',
  ];

  return (
    <div className="analytics">
      <h1>{t('analytics.heading')}</h1>
      <form className="filters" onSubmit={submit} noValidate>
        <label>
          {t('analytics.period')}
          <select value={draft.period} onChange={(e) => setDraft({ ...draft, period: e.target.value })}>
            <option value="month">{t('analytics.month')}</option>
            <option value="quarter">{t('analytics.quarter')}</option>
            <option value="year">{t('analytics.year')}</option>
          </select>
        </label>
        {(['from', 'to'] as const).map((field) => (
          <label key={field}>
            {t(`analytics.${field}`)}
            <input
              type="date"
              value={draft[field]}
              aria-invalid={error400(field) ? true : undefined}
              onChange={(e) => setDraft({ ...draft, [field]: e.target.value })}
            />
            {error400(field) && <span className="error">{error400(field)}</span>}
          </label>
        ))}
        <button type="submit">{t('analytics.show')}</button>
      </form>
      <ErrorNote error={error} />
      <ErrorNote error={survivalError} />
      {!charts && !error && !survivalError && <Loading />}
      {charts && kpis && survival && impact && (
        <>
          <div className="charts">
            <ChartBlock
              title={t('analytics.retention')}
              option={charts.retention}
              csv={{ columns: ['period', 'retentionRate', 'churnRate'], rows: kpis.periods as unknown as Row[] }}
            />
            <ChartBlock title={t('analytics.cohorts')} option={charts.cohorts} csv={cohortCsv} />
            <ChartBlock
              title={t('analytics.survival')}
              option={charts.survival}
              csv={{ columns: ['group', 'day', 'survival', 'atRisk', 'churned'], rows: survivalRows(survival) }}
            />
            <ChartBlock
              title={t('analytics.serviceImpact')}
              option={charts.impact}
              csv={{
                columns: ['group', 'customers', 'churned', 'churnRate', 'averageSpend'],
                rows: impact as unknown as Row[],
              }}
            />
          </div>
          {kpis.averageLifetimeDays.kaplanMeierMedian !== null && (
            <p>{t('analytics.median', { days: formatNumber(kpis.averageLifetimeDays.kaplanMeierMedian, locale) })}</p>
          )}
          <DataTable
            title={t('analytics.kpiTable')}
            csvColumns={kpiColumns}
            rows={kpis.periods as unknown as Row[]}
            columns={[
              { key: 'period', label: t('analytics.period') },
              { key: 'activeCustomers', label: t('analytics.customers'), numeric: true },
              { key: 'newCustomers', label: 'new', numeric: true },
              {
                key: 'retentionRate',
                label: t('analytics.retentionRate'),
                numeric: true,
                render: (r) => formatPercent(r.retentionRate as number | null, locale),
              },
              {
                key: 'churnRate',
                label: t('analytics.churnRate'),
                numeric: true,
                render: (r) => formatPercent(r.churnRate as number | null, locale),
              },
              {
                key: 'revenue',
                label: 'revenue',
                numeric: true,
                render: (r) => formatNumber(r.revenue as number, locale, 2),
              },
              {
                key: 'margin',
                label: 'margin',
                numeric: true,
                render: (r) => formatNumber(r.margin as number, locale, 2),
              },
            ]}
          />
        </>
      )}
      <Rankings />
    </div>
  );
}
