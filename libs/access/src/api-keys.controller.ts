import { ApiError } from '@c360/http';
import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { CHANNELS } from '@c360/domain';
import { ApiKeys } from './api-keys.service.js';
import { CurrentPrincipal } from './current-principal.decorator.js';
import { ROLES, Roles, type Principal, type Role } from './roles.js';

class CreateApiKeyDto {
  @ApiProperty({ example: 'web shop' }) name: string;
  @ApiProperty({ enum: ROLES }) role: Role;
  @ApiPropertyOptional({
    enum: CHANNELS,
    isArray: true,
    description: 'For the channel role: which channels it may publish for',
  })
  channels?: string[];
}

export function validateNewKey(body: unknown): { name: string; role: Role; channels: string[] } {
  const { name, role, channels } = (body ?? {}) as Record<string, unknown>;
  const errors: { field: string; reason: string }[] = [];
  if (typeof name !== 'string' || name.trim() === '' || name.length > 200) {
    errors.push({ field: 'name', reason: 'name must be a non-empty string of at most 200 characters' });
  }
  if (!ROLES.includes(role as Role)) errors.push({ field: 'role', reason: `role must be one of ${ROLES.join(', ')}` });
  const list = channels === undefined ? [] : channels;
  if (!Array.isArray(list) || list.some((c) => !(CHANNELS as readonly unknown[]).includes(c))) {
    errors.push({ field: 'channels', reason: `channels must be a list of ${CHANNELS.join(', ')}` });
  } else if (role === 'channel' && list.length === 0) {
    errors.push({ field: 'channels', reason: 'a channel key must name at least one channel' });
  }
  if (errors.length) throw ApiError.validation(errors, 'API key');
  return { name: (name as string).trim(), role: role as Role, channels: list as string[] };
}

@ApiTags('api keys')
@Controller('v1/api-keys')
@Roles()
export class ApiKeysController {
  constructor(private readonly keys: ApiKeys) {}

  @Post()
  @ApiOperation({ summary: 'Create a key (admin); the key is in this answer only' })
  @ApiCreatedResponse({ description: '{key, id, name, role, channels, createdAt}' })
  async create(@Body() body: CreateApiKeyDto, @CurrentPrincipal() principal: Principal) {
    const input = validateNewKey(body);
    const { key, summary } = await this.keys.create({ ...input, createdBy: `${principal.keyId} (${principal.name})` });
    return { key, ...summary };
  }

  @Get()
  @ApiOperation({ summary: 'List keys (admin), without their secrets' })
  list() {
    return this.keys.list();
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Revoke a key (admin); takes effect within 5 seconds' })
  async revoke(@Param('id') id: string, @CurrentPrincipal() principal: Principal): Promise<void> {
    if (!(await this.keys.revoke(id, `${principal.keyId} (${principal.name})`))) {
      throw ApiError.validation([{ field: 'id', reason: `no active key ${id}` }]);
    }
  }
}
