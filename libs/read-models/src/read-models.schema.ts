import { TimelineEntryEntity } from './timeline/timeline-entry.entity.js';
import { CreateTimeline1763900000200 } from './timeline/create-timeline.migration.js';
import { TouchpointCountEntity } from './touchpoint-counts/touchpoint-count.entity.js';
import { CreateTouchpointCounts1763900000300 } from './touchpoint-counts/create-touchpoint-counts.migration.js';
import { TimelineProjection } from './timeline/timeline.projection.js';
import { TouchpointCountsProjection } from './touchpoint-counts/touchpoint-counts.projection.js';

export const READ_MODEL_ENTITIES = [TimelineEntryEntity, TouchpointCountEntity];
export const READ_MODEL_MIGRATIONS = [CreateTimeline1763900000200, CreateTouchpointCounts1763900000300];
export const READ_MODEL_PROJECTIONS = [TimelineProjection, TouchpointCountsProjection];
