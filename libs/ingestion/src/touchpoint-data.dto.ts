import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsISO4217CurrencyCode,
  IsISO8601,
  IsNotEmpty,
  IsNumber,
  IsObject,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import type { TouchpointType } from '@c360/domain';

/** A price or cost per unit beyond this is a mistake, and sums of such amounts would leave finite numbers. */
export const MAX_UNIT_AMOUNT = 1_000_000_000_000;

const ID_MAX = 200;
const TEXT_MAX = 5000;

export class PurchaseLineDto {
  @ApiProperty() @IsString() @IsNotEmpty() @MaxLength(ID_MAX) sku: string;
  @ApiProperty() @IsString() @IsNotEmpty() @MaxLength(ID_MAX) category: string;
  @ApiProperty({ minimum: 1 }) @IsInt() @Min(1) @Max(1_000_000) quantity: number;
  @ApiProperty({ minimum: 0, maximum: MAX_UNIT_AMOUNT })
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(MAX_UNIT_AMOUNT)
  unitPrice: number;
  @ApiPropertyOptional({ minimum: 0, maximum: MAX_UNIT_AMOUNT })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(MAX_UNIT_AMOUNT)
  unitCost?: number;
}

export class PurchaseDataDto {
  @ApiProperty() @IsString() @IsNotEmpty() @MaxLength(ID_MAX) orderId: string;
  @ApiProperty({ example: 'EUR' }) @IsISO4217CurrencyCode() currency: string;
  @ApiProperty({ type: [PurchaseLineDto] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(500)
  @IsObject({ each: true, message: 'each of lines must be an object' })
  @ValidateNested({ each: true })
  @Type(() => PurchaseLineDto)
  lines: PurchaseLineDto[];
}

export class ReturnLineDto {
  @ApiProperty() @IsString() @IsNotEmpty() @MaxLength(ID_MAX) sku: string;
  @ApiProperty({ minimum: 1 }) @IsInt() @Min(1) @Max(1_000_000) quantity: number;
}

export class ReturnDataDto {
  @ApiProperty() @IsString() @IsNotEmpty() @MaxLength(ID_MAX) orderId: string;
  @ApiProperty({ type: [ReturnLineDto] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(500)
  @IsObject({ each: true, message: 'each of lines must be an object' })
  @ValidateNested({ each: true })
  @Type(() => ReturnLineDto)
  lines: ReturnLineDto[];
  @ApiProperty() @IsString() @IsNotEmpty() @MaxLength(TEXT_MAX) reason: string;
}

export class CallDataDto {
  @ApiProperty() @IsString() @IsNotEmpty() @MaxLength(ID_MAX) reason: string;
  @ApiProperty({ minimum: 0 }) @IsInt() @Min(0) @Max(86_400) durationSeconds: number;
  @ApiProperty() @IsString() @IsNotEmpty() @MaxLength(ID_MAX) outcome: string;
}

export class PageViewDataDto {
  @ApiProperty() @IsString() @IsNotEmpty() @MaxLength(2000) url: string;
  @ApiProperty() @IsString() @IsNotEmpty() @MaxLength(ID_MAX) sessionId: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @IsNotEmpty() @MaxLength(ID_MAX) productSku?: string;
}

export class EmailDataDto {
  @ApiProperty() @IsString() @IsNotEmpty() @MaxLength(ID_MAX) campaignId: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(2000) url?: string;
}

export class CampaignResponseDataDto {
  @ApiProperty() @IsString() @IsNotEmpty() @MaxLength(ID_MAX) campaignId: string;
  @ApiProperty({ enum: ['accepted', 'declined', 'ignored'] })
  @IsIn(['accepted', 'declined', 'ignored'])
  response: string;
}

export class TextDataDto {
  @ApiProperty() @IsString() @IsNotEmpty() @MaxLength(ID_MAX) subject: string;
  @ApiProperty() @IsString() @IsNotEmpty() @MaxLength(TEXT_MAX) text: string;
}

export class ComplaintOpenedDataDto {
  @ApiProperty() @IsString() @IsNotEmpty() @MaxLength(ID_MAX) caseId: string;
  @ApiProperty() @IsString() @IsNotEmpty() @MaxLength(ID_MAX) category: string;
  @ApiProperty({ enum: ['low', 'medium', 'high', 'critical'] })
  @IsIn(['low', 'medium', 'high', 'critical'])
  severity: string;
  @ApiProperty() @IsString() @IsNotEmpty() @MaxLength(TEXT_MAX) text: string;
}

export class ComplaintResolvedDataDto {
  @ApiProperty() @IsString() @IsNotEmpty() @MaxLength(ID_MAX) caseId: string;
  @ApiProperty() @IsString() @IsNotEmpty() @MaxLength(TEXT_MAX) resolution: string;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() satisfied?: boolean;
}

export class SurveyAnsweredDataDto {
  @ApiProperty() @IsString() @IsNotEmpty() @MaxLength(ID_MAX) surveyId: string;
  @ApiProperty({ minimum: 0, maximum: 10 }) @IsInt() @Min(0) @Max(10) nps: number;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(TEXT_MAX) comment?: string;
}

export class ConsentChangedDataDto {
  @ApiProperty({ enum: ['marketing', 'profiling'] }) @IsIn(['marketing', 'profiling']) purpose: string;
  @ApiProperty({ enum: ['email', 'phone', 'sms', 'any'] }) @IsIn(['email', 'phone', 'sms', 'any']) channel: string;
  @ApiProperty() @IsBoolean() granted: boolean;
}

export class AddressDto {
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(ID_MAX) line1?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(ID_MAX) line2?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(ID_MAX) city?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(ID_MAX) postalCode?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(ID_MAX) region?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(ID_MAX) country?: string;
}

export class ProfileDataDto {
  @ApiPropertyOptional() @IsOptional() @IsString() @IsNotEmpty() @MaxLength(ID_MAX) name?: string;
  @ApiPropertyOptional({ example: '1980-04-12' }) @IsOptional() @IsISO8601({ strict: true }) birthDate?: string;
  @ApiPropertyOptional({ type: AddressDto })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => AddressDto)
  address?: AddressDto;
  @ApiPropertyOptional({ type: [String] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @IsString({ each: true })
  @MaxLength(ID_MAX, { each: true })
  interests?: string[];
}

/** The class that validates `data` of each touchpoint type. */
export const DATA_DTO_OF_TYPE: Record<TouchpointType, new () => object> = {
  purchase: PurchaseDataDto,
  return: ReturnDataDto,
  call: CallDataDto,
  'page-view': PageViewDataDto,
  'email-sent': EmailDataDto,
  'email-opened': EmailDataDto,
  'email-clicked': EmailDataDto,
  'campaign-response': CampaignResponseDataDto,
  inquiry: TextDataDto,
  suggestion: TextDataDto,
  'complaint-opened': ComplaintOpenedDataDto,
  'complaint-resolved': ComplaintResolvedDataDto,
  'survey-answered': SurveyAnsweredDataDto,
  'consent-changed': ConsentChangedDataDto,
  'profile-updated': ProfileDataDto,
  'customer-registered': ProfileDataDto,
};
