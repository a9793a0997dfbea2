import { TimelineEntryEntity } from './timeline/timeline-entry.entity.js';
import { CreateTimeline1763900000200 } from './timeline/create-timeline.migration.js';
import { TouchpointCountEntity } from './touchpoint-counts/touchpoint-count.entity.js';
import { CreateTouchpointCounts1763900000300 } from './touchpoint-counts/create-touchpoint-counts.migration.js';
import { TimelineProjection } from './timeline/timeline.projection.js';
import { TouchpointCountsProjection } from './touchpoint-counts/touchpoint-counts.projection.js';
import { CreateCrossSell1763900000800 } from './cross-sell/create-cross-sell.migration.js';
import { CrossSellProjection } from './cross-sell/cross-sell.projection.js';
import { CreateCustomerProfiles1763900000700 } from './customer-profile/create-customer-profiles.migration.js';
import { CustomerProfileProjection } from './customer-profile/customer-profile.projection.js';
import { ProfileStateAsJson1763902900100 } from './customer-profile/profile-state-as-json.migration.js';
import { ScoresPending1763902900200 } from './customer-profile/scores-pending.migration.js';
import { CreateKpis1763900000900 } from './kpis/create-kpis.migration.js';
import { CreateKpiCustomerMonths1763902000000 } from './kpis/create-kpi-customer-months.migration.js';
import { CreateKpiCustomerLives1763902200100 } from './kpis/create-kpi-customer-lives.migration.js';
import { CreateKpiMonths1763902300100 } from './kpis/create-kpi-months.migration.js';
import { CreateKpiSpanMonths1763902500100 } from './kpis/create-kpi-span-months.migration.js';
import { AddKpiLifeChannels1763902600100 } from './kpis/add-kpi-life-channels.migration.js';
import { CreateKpiSilences1763902700100 } from './kpis/create-kpi-silences.migration.js';
import { CreateKpiComplainantMonths1763902800100 } from './kpis/create-kpi-complainant-months.migration.js';
import { KpisProjection } from './kpis/kpis.projection.js';

export const READ_MODEL_ENTITIES = [TimelineEntryEntity, TouchpointCountEntity];
export const READ_MODEL_MIGRATIONS = [
  CreateTimeline1763900000200,
  CreateTouchpointCounts1763900000300,
  CreateCustomerProfiles1763900000700,
  CreateCrossSell1763900000800,
  CreateKpis1763900000900,
  CreateKpiCustomerMonths1763902000000,
  CreateKpiCustomerLives1763902200100,
  CreateKpiMonths1763902300100,
  CreateKpiSpanMonths1763902500100,
  AddKpiLifeChannels1763902600100,
  CreateKpiSilences1763902700100,
  CreateKpiComplainantMonths1763902800100,
  ProfileStateAsJson1763902900100,
  ScoresPending1763902900200,
];
export const READ_MODEL_PROJECTIONS = [
  TimelineProjection,
  TouchpointCountsProjection,
  CustomerProfileProjection,
  CrossSellProjection,
  KpisProjection,
];
