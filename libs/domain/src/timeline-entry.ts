import { formatMoney } from './customer-profile.js';
import type { TouchpointEvent } from './customer-events.js';
import { TOUCHPOINT_TYPE_OF_EVENT } from './touchpoint.js';

/** One row of a customer's timeline: what an agent scans, with a one-line summary. */
export interface TimelineEntry {
  eventId: string;
  customerId: string;
  occurredAt: string;
  channel: string;
  type: string;
  summary: string;
  data: unknown;
}

export function summarise(event: TouchpointEvent): string {
  switch (event.type) {
    case 'PurchaseMade': {
      const total = event.data.lines.reduce((sum, l) => sum + l.quantity * l.unitPrice, 0);
      const items = event.data.lines.reduce((sum, l) => sum + l.quantity, 0);
      return `Purchase ${event.data.orderId}: ${items} item(s), ${formatMoney(total, event.data.currency)}`;
    }
    case 'PurchaseReturned':
      return `Return of order ${event.data.orderId}: ${event.data.reason}`;
    case 'CallHandled':
      return `Call about ${event.data.reason} (${event.data.durationSeconds}s): ${event.data.outcome}`;
    case 'PageViewed':
      return event.data.productSku ? `Viewed product ${event.data.productSku}` : 'Viewed a page';
    case 'EmailSent':
      return `E-mail sent for campaign ${event.data.campaignId}`;
    case 'EmailOpened':
      return `E-mail opened for campaign ${event.data.campaignId}`;
    case 'EmailClicked':
      return `E-mail link clicked for campaign ${event.data.campaignId}`;
    case 'CampaignResponded':
      return `Campaign ${event.data.campaignId}: ${event.data.response}`;
    case 'InquiryMade':
      return `Inquiry: ${event.data.subject}`;
    case 'SuggestionMade':
      return `Suggestion: ${event.data.subject}`;
    case 'ComplaintOpened':
      return `Complaint ${event.data.caseId} opened (${event.data.category}, ${event.data.severity})`;
    case 'ComplaintResolved':
      return `Complaint ${event.data.caseId} resolved${event.data.satisfied === false ? ', customer not satisfied' : ''}`;
    case 'SurveyAnswered':
      return `Survey ${event.data.surveyId} answered: NPS ${event.data.nps}`;
    case 'ConsentChanged':
      return `Consent for ${event.data.purpose} by ${event.data.channel} ${event.data.granted ? 'granted' : 'withdrawn'}`;
    case 'ProfileUpdated':
      return 'Profile updated';
    case 'CustomerRegistered':
      return 'Customer registered';
  }
}

/** The timeline row of a stored touchpoint event. */
export function toTimelineEntry(eventId: string, event: TouchpointEvent): TimelineEntry {
  return {
    eventId,
    customerId: event.data.customerId,
    occurredAt: event.metadata.occurredAt,
    channel: event.metadata.channel ?? 'unknown',
    type: TOUCHPOINT_TYPE_OF_EVENT[event.type],
    summary: summarise(event),
    data: event.data,
  };
}
