/** Channels and touchpoint types exactly as the channels send them; extend, never rename. */
export const CHANNELS = [
  'call-center',
  'web',
  'mobile-app',
  'email',
  'store',
  'chat',
  'social',
  'technical-service',
] as const;
export type Channel = (typeof CHANNELS)[number];

export interface PurchaseLine {
  sku: string;
  category: string;
  quantity: number;
  unitPrice: number;
  unitCost?: number;
}

export interface Address {
  line1?: string;
  line2?: string;
  city?: string;
  postalCode?: string;
  region?: string;
  country?: string;
}

export interface ProfileData {
  name?: string;
  birthDate?: string;
  address?: Address;
  interests?: string[];
}

/** The heart of each touchpoint type's `data`, keyed by the type name channels send. */
export interface TouchpointDataByType {
  purchase: { orderId: string; currency: string; lines: PurchaseLine[] };
  return: { orderId: string; lines: { sku: string; quantity: number }[]; reason: string };
  call: { reason: string; durationSeconds: number; outcome: string };
  'page-view': { url: string; sessionId: string; productSku?: string };
  'email-sent': { campaignId: string; url?: string };
  'email-opened': { campaignId: string; url?: string };
  'email-clicked': { campaignId: string; url?: string };
  'campaign-response': { campaignId: string; response: 'accepted' | 'declined' | 'ignored' };
  inquiry: { subject: string; text: string };
  suggestion: { subject: string; text: string };
  'complaint-opened': {
    caseId: string;
    category: string;
    severity: 'low' | 'medium' | 'high' | 'critical';
    text: string;
  };
  'complaint-resolved': { caseId: string; resolution: string; satisfied?: boolean };
  'survey-answered': { surveyId: string; nps: number; comment?: string };
  'consent-changed': {
    purpose: 'marketing' | 'profiling';
    channel: 'email' | 'phone' | 'sms' | 'any';
    granted: boolean;
  };
  'profile-updated': ProfileData;
  'customer-registered': ProfileData;
}

export type TouchpointType = keyof TouchpointDataByType;

/** Each touchpoint type is stored as a past-tense event type. */
export const EVENT_TYPE_OF_TOUCHPOINT = {
  purchase: 'PurchaseMade',
  return: 'PurchaseReturned',
  call: 'CallHandled',
  'page-view': 'PageViewed',
  'email-sent': 'EmailSent',
  'email-opened': 'EmailOpened',
  'email-clicked': 'EmailClicked',
  'campaign-response': 'CampaignResponded',
  inquiry: 'InquiryMade',
  suggestion: 'SuggestionMade',
  'complaint-opened': 'ComplaintOpened',
  'complaint-resolved': 'ComplaintResolved',
  'survey-answered': 'SurveyAnswered',
  'consent-changed': 'ConsentChanged',
  'profile-updated': 'ProfileUpdated',
  'customer-registered': 'CustomerRegistered',
} as const satisfies Record<TouchpointType, string>;

export const TOUCHPOINT_TYPES = Object.keys(EVENT_TYPE_OF_TOUCHPOINT) as TouchpointType[];

export type TouchpointEventType = (typeof EVENT_TYPE_OF_TOUCHPOINT)[TouchpointType];

export const TOUCHPOINT_TYPE_OF_EVENT = Object.fromEntries(
  Object.entries(EVENT_TYPE_OF_TOUCHPOINT).map(([touchpoint, event]) => [event, touchpoint]),
) as Record<TouchpointEventType, TouchpointType>;

export const IDENTIFIER_KINDS = ['customerId', 'email', 'phone', 'loyaltyCardId', 'anonymousId'] as const;
export type IdentifierKind = (typeof IDENTIFIER_KINDS)[number];
export type CustomerReference = Partial<Record<IdentifierKind, string>>;

export interface Actor {
  kind: 'agent' | 'system' | 'customer';
  id: string;
}

/** A touchpoint after validation at the edge: inside, its types are trusted. */
export interface Touchpoint<T extends TouchpointType = TouchpointType> {
  touchpointId: string;
  channel: Channel;
  type: T;
  occurredAt: string;
  customer: CustomerReference;
  data: TouchpointDataByType[T];
  actor?: Actor;
  correlationId?: string;
  causationId?: string;
}
