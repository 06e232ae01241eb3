import "server-only";
import { type SQL, sql } from "drizzle-orm";
import {
  ESCALATE_AFTER_ATTEMPTS,
  REVISIT_OUTCOMES,
  SAME_CALL_OUTCOME,
  SAME_CALL_SECONDS,
} from "@/domain/counts";

/**
 * domain/counts.ts callNumbers and roomsToEscalate in SQL, for statements that count whole areas
 * without loading their visits. Three CTEs over `source`, a CTE of ONE campaign's visits with the
 * columns id, room_id, grid_id, officer_id, outcome, review_state, visited_at (a room's visits all in
 * it); the statement must begin `with recursive`:
 *
 *   room_calls   each room's visits as arrays, oldest first in the order of "latest" (to the second,
 *                then id), with its latest visit's officer and review state
 *   calls        one row per visit: id, room_id, grid_id, officer_id, review_state (the latest
 *                visit's), n (the visit's place), attempt (上门次数), without_contact (未接触次数);
 *                the row with n = cardinality(outcomes) is the room's latest visit
 *   escalations  the rooms to escalate (room_id, grid_id, officer_id): the latest visit's calls
 *                without contact reached ESCALATE_AFTER_ATTEMPTS, and it was not returned
 *
 * `calls` walks each room's arrays one visit per step, as callNumbers walks its sorted list. It joins
 * nothing — each step reads the next element of its own row's arrays — so no plan can multiply rooms
 * by visits, whatever a fresh database's missing statistics make the planner believe; it takes as many
 * steps as the busiest room has visits. test/server/calls.test.ts holds it to callNumbers.
 */
export function callCtes(source: SQL): SQL {
  const order = sql`date_trunc('second', sv.visited_at), sv.id`;
  const latestFirst = sql`date_trunc('second', sv.visited_at) desc, sv.id desc`;
  const noContact = sql`${sql.param([...REVISIT_OUTCOMES])}::text[]`;
  return sql`room_calls as (
      select sv.room_id, sv.grid_id,
        (array_agg(sv.officer_id order by ${latestFirst}))[1] as officer_id,
        (array_agg(sv.review_state order by ${latestFirst}))[1] as review_state,
        array_agg(sv.id order by ${order}) as ids,
        array_agg(sv.outcome::text order by ${order}) as outcomes,
        array_agg(extract(epoch from date_trunc('second', sv.visited_at))::bigint order by ${order}) as seconds
      from ${source} sv
      group by sv.room_id, sv.grid_id
    ),
    calls (id, room_id, grid_id, officer_id, review_state, n, attempt, without_contact, opened_at, ids,
        outcomes, seconds) as (
      select rc.ids[1], rc.room_id, rc.grid_id, rc.officer_id, rc.review_state, 1, 1,
        case when rc.outcomes[1] = any(${noContact}) then 1 else 0 end,
        rc.seconds[1], rc.ids, rc.outcomes, rc.seconds
      from room_calls rc
      union all
      select c.ids[c.n + 1], c.room_id, c.grid_id, c.officer_id, c.review_state, c.n + 1,
        case when s.same then c.attempt else c.attempt + 1 end,
        case when s.same then c.without_contact
          when c.outcomes[c.n + 1] = any(${noContact}) then c.without_contact + 1
          else 0 end,
        case when s.same then c.opened_at else c.seconds[c.n + 1] end,
        c.ids, c.outcomes, c.seconds
      from calls c
      -- The same call: a no-answer right after a no-answer (the call's visits are all no-answers, so
      -- the previous visit's outcome is the call's), less than SAME_CALL_SECONDS after its first knock.
      cross join lateral (
        select c.outcomes[c.n + 1] = ${SAME_CALL_OUTCOME} and c.outcomes[c.n] = ${SAME_CALL_OUTCOME}
          and c.seconds[c.n + 1] - c.opened_at < ${SAME_CALL_SECONDS}::bigint as same) s
      where c.n < cardinality(c.outcomes)
    ),
    escalations as (
      select c.room_id, c.grid_id, c.officer_id
      from calls c
      where c.n = cardinality(c.outcomes) and c.without_contact >= ${ESCALATE_AFTER_ATTEMPTS}
        and c.review_state <> 'returned'
    )`;
}
