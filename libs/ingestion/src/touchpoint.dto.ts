import { CHANNELS, TOUCHPOINT_TYPES } from '@c360/domain';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsIn,
  IsNotEmpty,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  ValidateBy,
  ValidateNested,
} from 'class-validator';

export const MAX_BATCH_SIZE = 1000;

/** A value quoted in an error message, cut short: messages travel in headers and logs. */
function quote(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}…` : text;
}

/** A calendar date-time with a time zone, e.g. 2026-11-01T10:00:00Z or 2026-11-01T11:00:00.250+01:00. */
const INSTANT_PARTS = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})$/;

/** Date would move 2026-02-30 to March 2nd; a touchpoint's instant must be a day the calendar has. */
function isRealInstant(value: string): boolean {
  const parts = INSTANT_PARTS.exec(value);
  if (!parts || Number.isNaN(Date.parse(value))) return false;
  const [year, month, day, hour, minute, second] = parts.slice(1).map((p) => Number(p ?? 0)) as number[];
  const date = new Date(Date.UTC(year!, month! - 1, day!));
  return date.getUTCMonth() === month! - 1 && date.getUTCDate() === day! && hour! < 24 && minute! < 60 && second! < 60;
}

function IsInstant(): PropertyDecorator {
  return ValidateBy({
    name: 'isInstant',
    validator: {
      validate: (value: unknown) => typeof value === 'string' && isRealInstant(value),
      defaultMessage: (args) =>
        `${args?.property} must be an ISO 8601 date-time with a time zone, such as 2026-11-01T10:00:00Z`,
    },
  });
}
const KEY = /^[\x21-\x7e]+$/;

export class CustomerReferenceDto {
  @ApiPropertyOptional({ example: 'c-42' })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  @Matches(KEY, { message: 'customerId must be printable ASCII without spaces' })
  customerId?: string;

  @ApiPropertyOptional({ example: 'ana@example.com' })
  @IsOptional()
  @IsString()
  @MaxLength(320)
  email?: string;

  @ApiPropertyOptional({ example: '+34 600 000 000' })
  @IsOptional()
  @IsString()
  @MaxLength(40)
  phone?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  loyaltyCardId?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  anonymousId?: string;
}

export class ActorDto {
  @ApiProperty({ enum: ['agent', 'system', 'customer'] })
  @IsIn(['agent', 'system', 'customer'])
  kind: string;

  @ApiProperty({ example: 'agent-7' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  id: string;
}

/** One touchpoint as channels send it, over HTTP and Kafka alike. */
export class TouchpointDto {
  @ApiProperty({ description: 'Idempotency key from the source: the same id is stored once.', example: 'pos-000123' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  @Matches(KEY, { message: 'touchpointId must be printable ASCII without spaces' })
  touchpointId: string;

  @ApiProperty({ enum: CHANNELS })
  @IsIn(CHANNELS, {
    message: ({ value }) => `channel ${quote(value)} is unknown; expected one of ${CHANNELS.join(', ')}`,
  })
  channel: string;

  @ApiProperty({ enum: TOUCHPOINT_TYPES })
  @IsIn(TOUCHPOINT_TYPES, {
    message: ({ value }) => `type ${quote(value)} is unknown; expected one of ${TOUCHPOINT_TYPES.join(', ')}`,
  })
  type: string;

  @ApiProperty({
    description: 'When it happened at the source (ISO 8601 with a time zone).',
    example: '2026-11-01T10:00:00Z',
  })
  @IsInstant()
  occurredAt: string;

  @ApiProperty({ type: CustomerReferenceDto, description: 'At least one identifier of the customer.' })
  @IsObject()
  @ValidateNested()
  @Type(() => CustomerReferenceDto)
  customer: CustomerReferenceDto;

  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: 'The fields of the touchpoint type; see the architecture for each type.',
  })
  @IsObject()
  data: Record<string, unknown>;

  @ApiPropertyOptional({ type: ActorDto })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => ActorDto)
  actor?: ActorDto;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  correlationId?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  causationId?: string;
}

export class TouchpointBatchDto {
  @ApiProperty({ type: [TouchpointDto], maxItems: MAX_BATCH_SIZE })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_BATCH_SIZE)
  touchpoints: unknown[];
}
