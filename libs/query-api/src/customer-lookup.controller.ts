import { Roles } from '@c360/access';
import { APP_CONFIG, type AppConfig } from '@c360/config';
import { IDENTIFIER_KINDS, identifiersOf, InvalidIdentifier, type IdentifierKind } from '@c360/domain';
import { ApiError, ApiErrorCode } from '@c360/http';
import { IdentityIndex } from '@c360/identity';
import { Controller, Get, Inject, Query } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { CountryCode } from 'libphonenumber-js';

export interface CustomerMatch {
  /** The customer as shown: the survivor when the identifier's customer was merged into another. */
  customerId: string;
  matchedBy: IdentifierKind;
  /** The customer the identifier was linked to, when it differs from `customerId`. */
  linkedTo?: string;
}

@ApiTags('customers')
@Controller('v1/customers')
@Roles('agent', 'auditor')
export class CustomerLookupController {
  constructor(
    private readonly identity: IdentityIndex,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get()
  @ApiOperation({
    summary: 'Find a customer by one identifier (agent on a call)',
    description: 'E-mail case and spaces and phone formats do not matter: identifiers are normalised as on ingestion.',
  })
  @ApiQuery({ name: 'email', required: false })
  @ApiQuery({ name: 'phone', required: false, description: 'Any format; national numbers in the default country' })
  @ApiQuery({ name: 'loyaltyCardId', required: false })
  @ApiQuery({ name: 'anonymousId', required: false })
  @ApiQuery({ name: 'customerId', required: false })
  @ApiOkResponse({ description: '{customerId, matchedBy, linkedTo?}' })
  @ApiNotFoundResponse({ description: 'No customer has this identifier' })
  async find(@Query() query: Record<string, unknown>): Promise<CustomerMatch> {
    const given = IDENTIFIER_KINDS.filter((k) => typeof query[k] === 'string' && (query[k] as string).trim() !== '');
    if (given.length !== 1) {
      throw ApiError.validation([
        { field: 'query', reason: `give exactly one of ${IDENTIFIER_KINDS.join(', ')} to look a customer up` },
      ]);
    }
    const kind = given[0]!;
    let identifier;
    try {
      [identifier] = identifiersOf({ [kind]: query[kind] as string }, this.config.DEFAULT_PHONE_COUNTRY as CountryCode);
    } catch (error) {
      if (!(error instanceof InvalidIdentifier)) throw error;
      throw ApiError.validation([{ field: kind, reason: `${kind} ${error.reason}` }]);
    }
    const found = await this.identity.lookup(identifier!);
    if (!found) throw new ApiError(ApiErrorCode.NOT_FOUND, `No customer has this ${kind}`);
    return {
      customerId: found.rootId,
      matchedBy: kind,
      ...(found.customerId !== found.rootId ? { linkedTo: found.customerId } : {}),
    };
  }
}
