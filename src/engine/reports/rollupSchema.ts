/**
 * The journal summed per clock hour, so a month's report reads a few thousand rows instead of every entry
 * (1,000,000 orders: a month's entries joined raw took well over the 100 ms a report may take). Hours a report
 * cuts through (a day closed at 22:17) are read raw from the journal. Migration 17 kept the sums by triggers;
 * since migration 18 each commit folds its postings in at once (sumFolds.ts, ledger/folds.ts).
 *
 * - report_hours: per hour, transaction kind and account: entries and their sum; account '' is the transaction
 *   itself (how many, and what it moved), so counts of sales and refunds need no DISTINCT.
 * - report_people_hours: sales, refunds and fees per till and cashier, sales split by friend pay.
 * - report_product_hours: what the order lines of each hour's sales sold.
 *
 * Migrations keep their SQL as it shipped: never edit this, add a migration.
 */
export const REPORT_ROLLUP_SCHEMA = `
        CREATE TABLE report_hours (
          hour_at INTEGER NOT NULL,
          kind TEXT NOT NULL,
          account TEXT NOT NULL,
          n INTEGER NOT NULL,
          fen INTEGER NOT NULL,
          PRIMARY KEY (hour_at, kind, account)
        ) WITHOUT ROWID;

        CREATE TABLE report_people_hours (
          hour_at INTEGER NOT NULL,
          kind TEXT NOT NULL,
          account TEXT NOT NULL CHECK (account IN ('sales', 'refunds', 'fees')),
          till_id TEXT NOT NULL,
          staff_id TEXT NOT NULL,
          friend INTEGER NOT NULL CHECK (friend IN (0, 1)),
          n INTEGER NOT NULL,
          fen INTEGER NOT NULL,
          PRIMARY KEY (hour_at, kind, account, till_id, staff_id, friend)
        ) WITHOUT ROWID;

        CREATE TABLE report_product_hours (
          hour_at INTEGER NOT NULL,
          product_id TEXT NOT NULL,
          name TEXT NOT NULL,
          quantity INTEGER NOT NULL,
          fen INTEGER NOT NULL,
          orders INTEGER NOT NULL,
          PRIMARY KEY (hour_at, product_id, name)
        ) WITHOUT ROWID;

        -- Friend-pay conversion counts the requests made in a range.
        CREATE INDEX friend_pay_by_created ON friend_pay_requests (created_at, status);
`

/** Whether a sale's order was paid by a friend, for the sale transaction t. */
export const FRIEND_OF_SALE = `EXISTS (SELECT 1 FROM orders o JOIN payment_attempts a ON a.id = o.paid_attempt_id
            WHERE o.id = t.order_id AND a.friend_pay_id IS NOT NULL)`

/** The account a people-hours row sums an entry e under: every wallet's fees as one. */
export const PEOPLE_ACCOUNT = `CASE WHEN e.account LIKE 'fees:%' THEN 'fees' ELSE e.account END`

/** What is already in the journal, summed once. */
export const REPORT_ROLLUP_BACKFILL = `
        INSERT INTO report_hours (hour_at, kind, account, n, fen)
          SELECT at / 3600000 * 3600000, kind, '', COUNT(*), SUM(amount_fen) FROM journal_transactions GROUP BY 1, 2;
        INSERT INTO report_hours (hour_at, kind, account, n, fen)
          SELECT t.at / 3600000 * 3600000, t.kind, e.account, COUNT(*), SUM(e.amount_fen)
          FROM journal_entries e JOIN journal_transactions t ON t.id = e.txn_id GROUP BY 1, 2, 3;
        INSERT INTO report_people_hours (hour_at, kind, account, till_id, staff_id, friend, n, fen)
          SELECT t.at / 3600000 * 3600000, t.kind, ${PEOPLE_ACCOUNT}, COALESCE(t.till_id, ''), COALESCE(t.staff_id, ''),
            CASE WHEN t.kind = 'sale' AND e.account = 'sales' THEN ${FRIEND_OF_SALE} ELSE 0 END, COUNT(*), SUM(e.amount_fen)
          FROM journal_entries e JOIN journal_transactions t ON t.id = e.txn_id
          WHERE e.account IN ('sales', 'refunds') OR e.account LIKE 'fees:%' GROUP BY 1, 2, 3, 4, 5, 6;
        INSERT INTO report_product_hours (hour_at, product_id, name, quantity, fen, orders)
          SELECT t.at / 3600000 * 3600000, COALESCE(l.product_id, ''), l.name, SUM(l.quantity), SUM(l.amount_fen),
            COUNT(DISTINCT t.id)
          FROM journal_transactions t JOIN order_lines l ON l.order_id = t.order_id
          WHERE t.kind = 'sale' GROUP BY 1, 2, 3;
`

/** From now on every transaction and entry posted adds itself to its hour, in the same transaction. */
export const REPORT_ROLLUP_TRIGGERS = `
        CREATE TRIGGER report_hours_of_transaction AFTER INSERT ON journal_transactions
        BEGIN
          INSERT INTO report_hours (hour_at, kind, account, n, fen)
            VALUES (NEW.at / 3600000 * 3600000, NEW.kind, '', 1, NEW.amount_fen)
            ON CONFLICT DO UPDATE SET n = n + 1, fen = fen + excluded.fen;
          INSERT INTO report_product_hours (hour_at, product_id, name, quantity, fen, orders)
            SELECT NEW.at / 3600000 * 3600000, COALESCE(l.product_id, ''), l.name, SUM(l.quantity), SUM(l.amount_fen), 1
            FROM order_lines l WHERE NEW.kind = 'sale' AND l.order_id = NEW.order_id GROUP BY l.product_id, l.name
            ON CONFLICT DO UPDATE SET quantity = quantity + excluded.quantity, fen = fen + excluded.fen,
              orders = orders + 1;
        END;

        CREATE TRIGGER report_hours_of_entry AFTER INSERT ON journal_entries
        BEGIN
          INSERT INTO report_hours (hour_at, kind, account, n, fen)
            SELECT t.at / 3600000 * 3600000, t.kind, NEW.account, 1, NEW.amount_fen
            FROM journal_transactions t WHERE t.id = NEW.txn_id
            ON CONFLICT DO UPDATE SET n = n + 1, fen = fen + excluded.fen;
          INSERT INTO report_people_hours (hour_at, kind, account, till_id, staff_id, friend, n, fen)
            SELECT t.at / 3600000 * 3600000, t.kind, ${PEOPLE_ACCOUNT.replaceAll('e.account', 'NEW.account')},
              COALESCE(t.till_id, ''), COALESCE(t.staff_id, ''),
              CASE WHEN t.kind = 'sale' AND NEW.account = 'sales' THEN ${FRIEND_OF_SALE} ELSE 0 END, 1, NEW.amount_fen
            FROM journal_transactions t
            WHERE t.id = NEW.txn_id AND (NEW.account IN ('sales', 'refunds') OR NEW.account LIKE 'fees:%')
            ON CONFLICT DO UPDATE SET n = n + 1, fen = fen + excluded.fen;
        END;
`
