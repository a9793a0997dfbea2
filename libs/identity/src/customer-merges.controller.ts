import { CurrentPrincipal, Roles, type Principal } from '@c360/access';
import { ApiError, type FieldProblem } from '@c360/http';
import { Body, Controller, Headers, HttpCode, Param, Post, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiHeader,
  ApiOkResponse,
  ApiOperation,
  ApiProperty,
  ApiTags,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { MergeCustomersCommand, UnmergeCustomersCommand, type MergeOutcome } from './customer-merge.commands.js';
import { ForgetCustomerCommand, type ForgetOutcome } from './forget-customer.command.js';

class MergeRequestDto {
  @ApiProperty({ description: 'The customer to merge into (merge) or to split off again (unmerge)', example: 'c-123' })
  mergedCustomerId: string;

  @ApiProperty({ description: 'Why: kept in both histories', example: 'Same person: confirmed on the phone' })
  reason: string;
}

/** A reason kept in the histories: a sentence, not a blank. */
function reasonProblem(reason: unknown): FieldProblem | undefined {
  if (typeof reason === 'string' && reason.trim().length >= 3 && reason.length <= 1000) return undefined;
  return { field: 'reason', reason: 'reason must say why, in 3 to 1000 characters' };
}

function validate(body: unknown): { mergedCustomerId: string; reason: string } {
  const { mergedCustomerId, reason } = (body ?? {}) as Record<string, unknown>;
  const errors: FieldProblem[] = [];
  if (typeof mergedCustomerId !== 'string' || mergedCustomerId.trim() === '' || mergedCustomerId.length > 200) {
    errors.push({ field: 'mergedCustomerId', reason: 'mergedCustomerId must be a customer id' });
  }
  const problem = reasonProblem(reason);
  if (problem) errors.push(problem);
  if (errors.length) throw ApiError.validation(errors, 'merge request');
  return { mergedCustomerId: (mergedCustomerId as string).trim(), reason: (reason as string).trim() };
}

/** `If-Match: "7"` (or W/"7"): the survivor's stream revision the caller last saw. */
export function parseIfMatch(header: string | undefined): number | undefined {
  if (header === undefined || header.trim() === '*') return undefined;
  const match = /^(?:W\/)?"?(-?\d+)"?$/.exec(header.trim());
  if (!match) {
    throw ApiError.validation([{ field: 'If-Match', reason: 'If-Match must be a revision such as "7"' }], 'request');
  }
  return Number(match[1]);
}

@ApiTags('customers')
@Controller('v1/customers')
@Roles('agent')
export class CustomerMergesController {
  constructor(private readonly commandBus: CommandBus) {}

  @Post(':id/merge')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Merge another customer into this one (agent)',
    description:
      'The other customer is shown as this one from now on: profile, timeline, scores and cross-sell cover both ' +
      'histories, its id and identifiers resolve here, and its own stream stays as it was. Undo with unmerge.',
  })
  @ApiHeader({ name: 'If-Match', required: false, description: "This customer's revision (the ETag of its profile)" })
  @ApiOkResponse({ description: '{mergeId, survivorId, mergedId, reason, revision}; ETag: the new revision' })
  @ApiBadRequestResponse({ description: 'A missing id or reason' })
  @ApiConflictResponse({ description: 'Either customer is already merged into another' })
  async merge(
    @Param('id') id: string,
    @Body() body: MergeRequestDto,
    @Headers('if-match') ifMatch: string | undefined,
    @CurrentPrincipal() principal: Principal,
    @Res({ passthrough: true }) response: Response,
  ): Promise<MergeOutcome> {
    const { mergedCustomerId, reason } = validate(body);
    const command = new MergeCustomersCommand(id, mergedCustomerId, reason, actorOf(principal), parseIfMatch(ifMatch));
    const outcome = await this.commandBus.execute(command);
    response.setHeader('ETag', `"${outcome.revision}"`);
    return outcome;
  }

  @Post(':id/unmerge')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Undo the merge of another customer into this one (agent)',
    description: 'Both customers stand alone again, each with exactly its own history, as if never merged.',
  })
  @ApiHeader({ name: 'If-Match', required: false, description: "This customer's revision (the ETag of its profile)" })
  @ApiOkResponse({ description: '{mergeId, survivorId, mergedId, reason, revision}' })
  @ApiConflictResponse({ description: 'The other customer is not merged into this one' })
  async unmerge(
    @Param('id') id: string,
    @Body() body: MergeRequestDto,
    @Headers('if-match') ifMatch: string | undefined,
    @CurrentPrincipal() principal: Principal,
    @Res({ passthrough: true }) response: Response,
  ): Promise<MergeOutcome> {
    const { mergedCustomerId, reason } = validate(body);
    const command = new UnmergeCustomersCommand(
      id,
      mergedCustomerId,
      reason,
      actorOf(principal),
      parseIfMatch(ifMatch),
    );
    const outcome = await this.commandBus.execute(command);
    response.setHeader('ETag', `"${outcome.revision}"`);
    return outcome;
  }
}

class ForgetRequestDto {
  @ApiProperty({
    description: 'Why, kept in the audit trail after everything else is gone: name no person in it',
    example: 'Erasure request 2026-118 (GDPR art. 17)',
  })
  reason: string;
}

@ApiTags('customers')
@Controller('v1/customers')
@Roles('admin')
export class CustomerErasureController {
  constructor(private readonly commandBus: CommandBus) {}

  @Post(':id/forget')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Forget a customer: the right to erasure (admin)',
    description:
      'Destroys the keys its personal data is encrypted with (names, contact data, addresses, free text), so ' +
      'that data can no longer be read anywhere, even in backups of the events; removes it from every ' +
      'per-customer read model; its e-mail, phone and cards no longer resolve to it. Customers merged into it ' +
      'are forgotten with it. Its history stays, redacted, for auditors, and aggregates keep counting it. ' +
      'The forget is itself an event (`CustomerForgotten`). Repeating it is harmless.',
  })
  @ApiHeader({ name: 'If-Match', required: false, description: "The customer's revision (the ETag of its profile)" })
  @ApiOkResponse({ description: '{customerId, forgotten: [ids], reason, forgottenAt}' })
  @ApiBadRequestResponse({ description: 'A missing reason' })
  async forget(
    @Param('id') id: string,
    @Body() body: ForgetRequestDto,
    @Headers('if-match') ifMatch: string | undefined,
    @CurrentPrincipal() principal: Principal,
  ): Promise<ForgetOutcome> {
    const { reason } = (body ?? {}) as { reason?: unknown };
    const problem = reasonProblem(reason);
    if (problem) throw ApiError.validation([problem], 'forget request');
    return this.commandBus.execute(
      new ForgetCustomerCommand(id, (reason as string).trim(), actorOf(principal), parseIfMatch(ifMatch)),
    );
  }
}

function actorOf(principal: Principal): { kind: 'agent'; id: string } {
  return { kind: 'agent', id: principal.keyId };
}
