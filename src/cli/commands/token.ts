import { InvalidArgumentError, type Command } from 'commander';
import { mintAdminToken, TOKEN_LABEL_MAX_CHARS } from '../../admin-token.js';
import { ConfigError, loadProcessConfig } from '../../config.js';
import { ROLES } from '../../core/access.js';
import type { TokenView } from '../../sdk/index.js';
import { clientAction } from '../client-action.js';
import { choice } from '../options.js';
import { renderTable, type Column } from '../output/table.js';
import { orNone, time } from '../output/values.js';
import type { CliRuntime } from '../runtime.js';

/** The label of a token `switchboard token admin` mints when `--label` is not given. */
export const ADMIN_TOKEN_LABEL_DEFAULT = 'admin (switchboard token admin)';

/**
 * `switchboard token ...`. `admin` works on the local store, without a server: the way back in
 * when the first start's admin secret is lost. The others go over the API with an admin token:
 * `create` mints a token of any role, `list` and `revoke` manage them.
 */
export function tokenCommands(program: Command, runtime: CliRuntime): void {
  const token = program.command('token').description('API tokens');
  token
    .command('admin')
    .description('mint a new admin token straight into the local store (SWITCHBOARD_DATA or DATABASE_URL); the secret alone goes to stdout')
    .option('--label <text>', `what the token is for, 1 to ${TOKEN_LABEL_MAX_CHARS} characters`, parseLabel, ADMIN_TOKEN_LABEL_DEFAULT)
    .action(async ({ label }: { label: string }) => {
      let config;
      try {
        // The server's settings, read the server's way: the same store the server uses.
        config = loadProcessConfig([]);
      } catch (err) {
        if (!(err instanceof ConfigError)) throw err;
        runtime.err(`${err.message}\n`);
        runtime.exit(1);
        return;
      }
      runtime.exit(await mintAdminToken(config, label, runtime));
    });

  token
    .command('create')
    .description('mint a token over the API (admin); the secret alone goes to stdout, shown only this once')
    .requiredOption('--role <role>', `${ROLES.join(', ')}`, choice(ROLES))
    .option('--agent <id>', 'the agent an agent token acts as (required with --role agent, and only with it)')
    .option(
      '--label <text>',
      `what the token is for, 1 to ${TOKEN_LABEL_MAX_CHARS} characters (default: the role, and the agent)`,
      parseLabel,
    )
    .action(
      clientAction(runtime, async (ctx, flags: { role: (typeof ROLES)[number]; agent?: string; label?: string }) => {
        const label = flags.label ?? (flags.agent === undefined ? flags.role : `agent ${flags.agent}`);
        const answer = await ctx.client.tokens.create({ label, role: flags.role, agentId: flags.agent });
        ctx.print(answer, () => {
          // As `token admin`: `SECRET=$(switchboard token create ...)` captures the secret alone.
          runtime.err(`Created ${answer.token.role} token "${answer.token.label}" (id ${answer.token.id}). It is shown only this once:\n`);
          return `${answer.secret}\n`;
        });
      }),
    );

  token
    .command('list')
    .description('every token, revoked ones included (admin); never a secret')
    .action(
      clientAction(runtime, async (ctx) => {
        const answer = await ctx.client.tokens.list();
        ctx.print(answer, () => renderTable(TOKEN_COLUMNS, answer.tokens, { empty: 'No tokens.', header: ctx.style.bold }));
      }),
    );

  token
    .command('revoke')
    .description('revoke a token at once, on HTTP and on its open sockets (admin)')
    .argument('<id>', 'the token id (token list shows it)')
    .action(
      clientAction(runtime, async (ctx, _flags: object, id: string) => {
        const answer = await ctx.client.tokens.revoke(id);
        ctx.print(answer, () => `Revoked token ${id}.\n`);
      }),
    );
}

const TOKEN_COLUMNS: readonly Column<TokenView>[] = [
  { header: 'ID', value: (t) => t.id },
  { header: 'ROLE', value: (t) => t.role },
  { header: 'AGENT', value: (t) => orNone(t.agentId) },
  { header: 'CREATED', value: (t) => time(t.createdAt) },
  { header: 'REVOKED', value: (t) => time(t.revokedAt) },
  { header: 'LABEL', value: (t) => t.label, maxWidth: 60 },
];

function parseLabel(value: string): string {
  const label = value.trim();
  if (label === '' || value.length > TOKEN_LABEL_MAX_CHARS) {
    throw new InvalidArgumentError(`expected a text of 1 to ${TOKEN_LABEL_MAX_CHARS} characters`);
  }
  return label;
}
