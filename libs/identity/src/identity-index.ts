import { randomUUID } from 'node:crypto';
import {
  identifierKey,
  planIdentities,
  type Identifier,
  type IdentityPlan,
  type KnownIdentifier,
  type MergeRecord,
} from '@c360/domain';
import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';

/** A touchpoint's identifiers, and the touchpoint that named them (for the reason of a merge). */
export interface IdentityRequest {
  identifiers: Identifier[];
  touchpointId: string;
}

/** A plan as the index carried it out: merges got their ids. */
export interface ResolvedIdentity extends IdentityPlan {
  mergeRecords: MergeRecord[];
  /** The touchpoint names a forgotten customer: nothing was learnt, and it must not be recorded. */
  forgotten?: boolean;
}

export interface CustomerRoot {
  customerId: string;
  rootId: string;
}

/** Another transaction moved a customer we planned to merge; the whole resolution runs again. */
export class RootMoved extends Error {}

// Serialization failure, deadlock, and a unique violation: a lock-free claim took an identifier after this
// resolution read the index; run again, it finds the identifier known.
const RETRYABLE_SQLSTATES = new Set(['40001', '40P01', '23505']);
const MAX_ATTEMPTS = 8;

interface KnownRow {
  kind: string;
  value: string;
  customer_id: string;
  root_id: string;
  root_seq: string;
  recorded: boolean;
  forgotten: boolean;
}

/**
 * Runs `resolve` on the requests that name no forgotten customer, and answers the others as forgotten,
 * in the order asked: a forgotten customer's identifiers never link, merge or create anything again.
 */
async function withoutForgotten(
  batch: IdentityRequest[],
  known: Map<string, KnownIdentifier>,
  resolve: (live: IdentityRequest[]) => Promise<ResolvedIdentity[]>,
): Promise<ResolvedIdentity[]> {
  const owners = batch.map((r) => r.identifiers.map((i) => known.get(identifierKey(i))).find((k) => k?.forgotten));
  if (owners.every((o) => o === undefined)) return resolve(batch);
  const live = batch.filter((_, i) => owners[i] === undefined);
  const resolved = live.length > 0 ? await resolve(live) : [];
  let next = 0;
  return batch.map((_, i) => {
    const owner = owners[i];
    if (!owner) return resolved[next++]!;
    const { customerId, rootId } = owner;
    return {
      customerId,
      rootId,
      newCustomer: false,
      newLinks: [],
      merges: [],
      unrecorded: [],
      mergeRecords: [],
      forgotten: true,
    };
  });
}

/**
 * The identity index in PostgreSQL. Reads without locks when a batch teaches it nothing new; any
 * change happens under per-identifier advisory locks and row locks on the customers merged, so two
 * touchpoints for the same new e-mail, or two merges of the same customers, serialise.
 */
@Injectable()
export class IdentityIndex {
  constructor(private readonly dataSource: DataSource) {}

  async resolve(batch: IdentityRequest[]): Promise<ResolvedIdentity[]> {
    const known = await this.known(
      this.dataSource.manager,
      batch.flatMap((r) => r.identifiers),
    );
    return withoutForgotten(batch, known, async (live) => {
      const plans = planIdentities(live, known);
      const learnsNothing = plans.every(
        (p) => !p.newCustomer && p.newLinks.length === 0 && p.merges.length === 0 && p.unrecorded.length === 0,
      );
      if (learnsNothing) return plans.map((p) => ({ ...p, mergeRecords: [] }));
      const claimable = plans.every((p) => p.merges.length === 0 && p.unrecorded.length === 0);
      if (claimable && (await this.retrying(() => this.claim(plans)))) {
        return plans.map((p) => ({ ...p, mergeRecords: [] }));
      }
      return this.retrying(() => this.dataSource.transaction((manager) => this.resolveLocked(manager, live)));
    });
  }

  /** New customers and links only: claimed in one statement, or not at all when someone came first. */
  private async claim(plans: IdentityPlan[]): Promise<boolean> {
    const newCustomers = [...new Set(plans.filter((p) => p.newCustomer).map((p) => p.customerId))];
    const links = plans.flatMap((p) => p.newLinks.map((l) => ({ ...l, customerId: p.customerId })));
    const rows = (await this.dataSource.query('SELECT c360_claim_identifiers($1, $2, $3, $4) AS claimed', [
      newCustomers,
      links.map((l) => l.kind),
      links.map((l) => l.value),
      links.map((l) => l.customerId),
    ])) as { claimed: boolean }[];
    return rows[0]!.claimed;
  }

  /** After the identity events are stored: the sweep need not record them again. */
  async markRecorded(resolved: ResolvedIdentity[]): Promise<void> {
    await this.markLinksRecorded(resolved.flatMap((r) => [...r.newLinks, ...r.unrecorded.map((u) => u.identifier)]));
    await this.markMergesRecorded(resolved.flatMap((r) => r.mergeRecords.map((m) => m.mergeId)));
  }

  async markLinksRecorded(links: Identifier[]): Promise<void> {
    if (links.length === 0) return;
    await this.dataSource.query(
      `UPDATE c360_identifiers i SET recorded = true
         FROM unnest($1::text[], $2::text[]) AS k(kind, value)
        WHERE i.kind = k.kind AND i.value = k.value AND NOT i.recorded`,
      [links.map((l) => l.kind), links.map((l) => l.value)],
    );
  }

  async markMergesRecorded(mergeIds: string[]): Promise<void> {
    if (mergeIds.length === 0) return;
    await this.dataSource.query('UPDATE c360_merges SET recorded = true WHERE merge_id = ANY($1::uuid[])', [mergeIds]);
  }

  async markUnmergesRecorded(mergeIds: string[]): Promise<void> {
    if (mergeIds.length === 0) return;
    await this.dataSource.query('UPDATE c360_merges SET unmerge_recorded = true WHERE merge_id = ANY($1::uuid[])', [
      mergeIds,
    ]);
  }

  /** The customer an identifier belongs to, shown as its root (the survivor of any merge). */
  async lookup(identifier: Identifier): Promise<CustomerRoot | undefined> {
    const rows = (await this.dataSource.query(
      `SELECT c.customer_id, c.root_id FROM c360_identifiers i JOIN c360_customers c USING (customer_id)
        WHERE i.kind = $1 AND i.value = $2 AND c.forgotten_at IS NULL`,
      [identifier.kind, identifier.value],
    )) as { customer_id: string; root_id: string }[];
    return rows[0] && { customerId: rows[0].customer_id, rootId: rows[0].root_id };
  }

  /** The customer as the index knows it: who it is shown as, and whether it was forgotten. */
  async customer(customerId: string): Promise<{ rootId: string; forgotten: boolean } | undefined> {
    const rows = (await this.dataSource.query(
      'SELECT root_id, forgotten_at IS NOT NULL AS forgotten FROM c360_customers WHERE customer_id = $1',
      [customerId],
    )) as { root_id: string; forgotten: boolean }[];
    return rows[0] && { rootId: rows[0].root_id, forgotten: rows[0].forgotten };
  }

  async rootOf(customerId: string): Promise<string | undefined> {
    return (await this.customer(customerId))?.rootId;
  }

  /** Every customer shown as this root: itself and those merged into it, directly or not. */
  async membersOf(rootId: string, manager: EntityManager = this.dataSource.manager): Promise<string[]> {
    const rows = (await manager.query('SELECT customer_id FROM c360_customers WHERE root_id = $1 ORDER BY seq', [
      rootId,
    ])) as { customer_id: string }[];
    return rows.map((r) => r.customer_id);
  }

  async retrying<T>(work: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await work();
      } catch (error) {
        const code = (error as { driverError?: { code?: string }; code?: string }).driverError?.code;
        const retryable = error instanceof RootMoved || RETRYABLE_SQLSTATES.has(code ?? '');
        if (!retryable || attempt >= MAX_ATTEMPTS) throw error;
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 10 * 2 ** attempt));
      }
    }
  }

  private async resolveLocked(manager: EntityManager, batch: IdentityRequest[]): Promise<ResolvedIdentity[]> {
    const identifiers = batch.flatMap((r) => r.identifiers);
    await manager.query('SELECT c360_lock_identifiers($1::text[])', [identifiers.map(identifierKey)]);
    const known = await this.known(manager, identifiers);
    return withoutForgotten(batch, known, (live) => this.resolveLockedLive(manager, live, known));
  }

  private async resolveLockedLive(
    manager: EntityManager,
    batch: IdentityRequest[],
    known: Map<string, KnownIdentifier>,
  ): Promise<ResolvedIdentity[]> {
    const plans = planIdentities(batch, known);

    const newCustomers = [...new Set(plans.filter((p) => p.newCustomer).map((p) => p.customerId))];
    if (newCustomers.length > 0) {
      await manager.query(
        `INSERT INTO c360_customers (customer_id, root_id) SELECT c, c FROM unnest($1::text[]) AS c ORDER BY c
         ON CONFLICT (customer_id) DO NOTHING`,
        [newCustomers],
      );
    }
    const links = plans.flatMap((p) => p.newLinks.map((l) => ({ ...l, customerId: p.customerId })));
    if (links.length > 0) {
      await manager.query(
        `INSERT INTO c360_identifiers (kind, value, customer_id)
         SELECT * FROM unnest($1::text[], $2::text[], $3::text[]) AS k(kind, value, owner) ORDER BY k.kind, k.value`,
        [links.map((l) => l.kind), links.map((l) => l.value), links.map((l) => l.customerId)],
      );
    }

    const resolved: ResolvedIdentity[] = [];
    for (const [i, plan] of plans.entries()) {
      const mergeRecords: MergeRecord[] = [];
      for (const merge of plan.merges) {
        const reason = `touchpoint ${batch[i]!.touchpointId} named identifiers of both customers`;
        mergeRecords.push(await this.mergeRoots(manager, { mergeId: randomUUID(), ...merge, reason }));
      }
      resolved.push({ ...plan, mergeRecords });
    }
    return resolved;
  }

  /**
   * Merges one root into another, both locked and checked to still be roots. Identifiers never
   * move: the merged customer and everything under it are shown as the survivor from now on.
   */
  async mergeRoots(manager: EntityManager, record: MergeRecord, actor?: object): Promise<MergeRecord> {
    const locked = (await manager.query(
      `SELECT customer_id, merged_into FROM c360_customers WHERE customer_id = ANY($1::text[])
        ORDER BY customer_id FOR UPDATE`,
      [[record.survivorId, record.mergedId]],
    )) as { customer_id: string; merged_into: string | null }[];
    if (locked.length !== 2 || locked.some((r) => r.merged_into !== null)) throw new RootMoved();
    await manager.query(
      `INSERT INTO c360_merges (merge_id, survivor_id, merged_id, reason, actor) VALUES ($1, $2, $3, $4, $5)`,
      [record.mergeId, record.survivorId, record.mergedId, record.reason, actor ? JSON.stringify(actor) : null],
    );
    await manager.query('UPDATE c360_customers SET merged_into = $2 WHERE customer_id = $1', [
      record.mergedId,
      record.survivorId,
    ]);
    await manager.query('UPDATE c360_customers SET root_id = $2 WHERE root_id = $1', [
      record.mergedId,
      record.survivorId,
    ]);
    return record;
  }

  /**
   * The customers shown as one with `customerId` at an instant, from the merges that stood then:
   * its root at that instant and every customer merged into that root, directly or not.
   */
  async membersAsOf(customerId: string, asOf: Date): Promise<{ rootId: string; members: string[] }> {
    const rows = (await this.dataSource.query(
      `WITH RECURSIVE standing AS (
         SELECT survivor_id, merged_id FROM c360_merges
          WHERE merged_at <= $2 AND (unmerged_at IS NULL OR unmerged_at > $2)
       ), up (id, depth) AS (
         SELECT $1::text, 0
         UNION ALL
         SELECT s.survivor_id, up.depth + 1 FROM standing s JOIN up ON s.merged_id = up.id
       ), root AS (
         SELECT id FROM up ORDER BY depth DESC LIMIT 1
       ), down (id) AS (
         SELECT id FROM root
         UNION ALL
         SELECT s.merged_id FROM standing s JOIN down ON s.survivor_id = down.id
       )
       SELECT (SELECT id FROM root) AS root_id, id FROM down`,
      [customerId, asOf],
    )) as { root_id: string; id: string }[];
    return { rootId: rows[0]?.root_id ?? customerId, members: rows.map((r) => r.id) };
  }

  /** Locks customers' rows in a fixed order; returns what it found. */
  async lockCustomers(
    manager: EntityManager,
    customerIds: string[],
  ): Promise<Map<string, { rootId: string; mergedInto: string | null; forgotten: boolean }>> {
    const rows = (await manager.query(
      `SELECT customer_id, root_id, merged_into, forgotten_at IS NOT NULL AS forgotten
         FROM c360_customers WHERE customer_id = ANY($1::text[])
        ORDER BY customer_id FOR UPDATE`,
      [[...new Set(customerIds)]],
    )) as { customer_id: string; root_id: string; merged_into: string | null; forgotten: boolean }[];
    return new Map(
      rows.map((r) => [r.customer_id, { rootId: r.root_id, mergedInto: r.merged_into, forgotten: r.forgotten }]),
    );
  }

  /**
   * Forgets these customers (a root and everything shown as it), under the locks of their identifiers:
   * their e-mails, phones, cards and anonymous ids no longer resolve, so a touchpoint naming them makes a
   * new customer; a touchpoint naming their customer id is refused; merges with them are refused.
   */
  async forgetLocked(manager: EntityManager, customerIds: string[]): Promise<void> {
    const held = (await manager.query('SELECT kind, value FROM c360_identifiers WHERE customer_id = ANY($1::text[])', [
      customerIds,
    ])) as Identifier[];
    await manager.query('SELECT c360_lock_identifiers($1::text[])', [held.map(identifierKey)]);
    await manager.query(`DELETE FROM c360_identifiers WHERE customer_id = ANY($1::text[]) AND kind <> 'customerId'`, [
      customerIds,
    ]);
    // Their own ids stay known, as forgotten, so that naming one is refused rather than starting it again.
    await manager.query(
      `INSERT INTO c360_identifiers (kind, value, customer_id, recorded)
       SELECT 'customerId', c, c, true FROM unnest($1::text[]) AS c ON CONFLICT (kind, value) DO NOTHING`,
      [customerIds],
    );
    await manager.query(
      'UPDATE c360_customers SET forgotten_at = coalesce(forgotten_at, now()) WHERE customer_id = ANY($1::text[])',
      [customerIds],
    );
    // Nothing is to be told of them any more: the sweep must not try to append to their closed streams.
    await manager.query(
      `UPDATE c360_merges SET recorded = true, unmerge_recorded = true
        WHERE survivor_id = ANY($1::text[]) OR merged_id = ANY($1::text[])`,
      [customerIds],
    );
  }

  /** The merge that put this customer under another, if it stands. */
  async activeMergeOf(manager: EntityManager, mergedId: string): Promise<MergeRecord | undefined> {
    const rows = (await manager.query(
      `SELECT merge_id, survivor_id, merged_id, reason FROM c360_merges WHERE merged_id = $1 AND unmerged_at IS NULL`,
      [mergedId],
    )) as { merge_id: string; survivor_id: string; merged_id: string; reason: string }[];
    const row = rows[0];
    return row && { mergeId: row.merge_id, survivorId: row.survivor_id, mergedId: row.merged_id, reason: row.reason };
  }

  /**
   * Undoes a merge whose rows the caller has locked (the merged customer, its survivor and the
   * survivor's root): the merged customer and what was merged into it become their own root again.
   */
  async unmergeLocked(manager: EntityManager, merge: MergeRecord, reason: string): Promise<void> {
    await manager.query('UPDATE c360_customers SET merged_into = NULL WHERE customer_id = $1', [merge.mergedId]);
    await manager.query(
      `WITH RECURSIVE below (customer_id) AS (
         SELECT $1::text
         UNION ALL
         SELECT c.customer_id FROM c360_customers c JOIN below b ON c.merged_into = b.customer_id
       )
       UPDATE c360_customers SET root_id = $1 WHERE customer_id IN (SELECT customer_id FROM below)`,
      [merge.mergedId],
    );
    await manager.query('UPDATE c360_merges SET unmerged_at = now(), unmerge_reason = $2 WHERE merge_id = $1', [
      merge.mergeId,
      reason,
    ]);
  }

  private async known(manager: EntityManager, identifiers: Identifier[]): Promise<Map<string, KnownIdentifier>> {
    const known = new Map<string, KnownIdentifier>();
    if (identifiers.length === 0) return known;
    const rows = (await manager.query(
      `SELECT i.kind, i.value, i.customer_id, c.root_id, r.seq AS root_seq, i.recorded,
              c.forgotten_at IS NOT NULL AS forgotten
         FROM unnest($1::text[], $2::text[]) AS k(kind, value)
         JOIN c360_identifiers i ON i.kind = k.kind AND i.value = k.value
         JOIN c360_customers c ON c.customer_id = i.customer_id
         JOIN c360_customers r ON r.customer_id = c.root_id`,
      [identifiers.map((i) => i.kind), identifiers.map((i) => i.value)],
    )) as KnownRow[];
    for (const row of rows) {
      known.set(identifierKey({ kind: row.kind as Identifier['kind'], value: row.value }), {
        customerId: row.customer_id,
        rootId: row.root_id,
        rootSeq: Number(row.root_seq),
        recorded: row.recorded,
        forgotten: row.forgotten,
      });
    }
    return known;
  }
}
