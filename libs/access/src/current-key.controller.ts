import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal } from './current-principal.decorator.js';
import { Roles, type Principal } from './roles.js';

@ApiTags('api keys')
@Controller('v1/api-keys/current')
@Roles('channel', 'agent', 'analyst', 'auditor')
export class CurrentKeyController {
  @Get()
  @ApiOperation({
    summary: 'Which key this is: its name, role and channels (any role)',
    description: 'Lets a client such as the web console show only what the role may do.',
  })
  @ApiOkResponse({ description: '{id, name, role, channels}' })
  current(@CurrentPrincipal() principal: Principal) {
    return { id: principal.keyId, name: principal.name, role: principal.role, channels: principal.channels };
  }
}
