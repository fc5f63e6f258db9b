import type { Database } from 'better-sqlite3'
import { AUDIT_GENESIS_HASH, auditEntryHash, type AuditRow } from '../config/auditChain'
import { REPORT_ROLLUP_BACKFILL, REPORT_ROLLUP_SCHEMA, REPORT_ROLLUP_TRIGGERS } from '../reports/rollupSchema'
import { JOURNAL_FOLDS_MIGRATION } from '../ledger/folds'

export interface Migration {
  version: number
  name: string
  up(db: Database): void
}

/** The first schema: settings, catalog, orders, payment attempts and the append-only event log. */
const FOUNDATION_SCHEMA = `
        CREATE TABLE settings (
          key TEXT PRIMARY KEY,
          value TEXT NOT NULL
        );

        CREATE TABLE store_profile (
          id INTEGER PRIMARY KEY CHECK (id = 1),
          name TEXT NOT NULL,
          address TEXT NOT NULL DEFAULT '',
          created_at INTEGER NOT NULL,
          updated_at INTEGER NOT NULL
        );

        CREATE TABLE products (
          id TEXT PRIMARY KEY,
          name TEXT NOT NULL,
          sku TEXT NOT NULL UNIQUE,
          barcode TEXT UNIQUE,
          price_fen INTEGER NOT NULL CHECK (price_fen > 0),
          category TEXT NOT NULL,
          active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
          created_at INTEGER NOT NULL,
          updated_at INTEGER NOT NULL
        );

        CREATE TABLE wallet_configs (
          wallet TEXT PRIMARY KEY,
          accepted INTEGER NOT NULL CHECK (accepted IN (0, 1)),
          contract_status TEXT NOT NULL CHECK (contract_status IN ('not_signed', 'pending', 'signed')),
          mode TEXT NOT NULL CHECK (mode IN ('simulator', 'sandbox', 'production')),
          display_order INTEGER NOT NULL,
          updated_at INTEGER NOT NULL
        );

        CREATE TABLE orders (
          id TEXT PRIMARY KEY,
          status TEXT NOT NULL CHECK (status IN ('open', 'awaiting_payment', 'paid', 'cancelled', 'expired')),
          total_fen INTEGER NOT NULL CHECK (total_fen > 0),
          description TEXT,
          customer_ref TEXT,
          paid_wallet TEXT,
          paid_attempt_id TEXT,
          expires_at INTEGER NOT NULL,
          created_at INTEGER NOT NULL,
          updated_at INTEGER NOT NULL,
          awaiting_payment_at INTEGER,
          paid_at INTEGER,
          cancelled_at INTEGER,
          expired_at INTEGER
        );
        CREATE INDEX orders_by_created ON orders (created_at);
        CREATE INDEX orders_unfinished ON orders (expires_at) WHERE status IN ('open', 'awaiting_payment');

        CREATE TABLE order_lines (
          id TEXT PRIMARY KEY,
          order_id TEXT NOT NULL REFERENCES orders (id),
          position INTEGER NOT NULL,
          product_id TEXT REFERENCES products (id),
          sku TEXT,
          name TEXT NOT NULL,
          unit_price_fen INTEGER NOT NULL CHECK (unit_price_fen > 0),
          quantity INTEGER NOT NULL CHECK (quantity > 0),
          amount_fen INTEGER NOT NULL CHECK (amount_fen = unit_price_fen * quantity),
          UNIQUE (order_id, position)
        );

        CREATE TABLE payment_attempts (
          id TEXT PRIMARY KEY,
          order_id TEXT NOT NULL REFERENCES orders (id),
          wallet TEXT NOT NULL,
          method TEXT NOT NULL,
          provider TEXT NOT NULL,
          mode TEXT NOT NULL,
          status TEXT NOT NULL CHECK (status IN ('created', 'pending', 'succeeded', 'failed', 'closed')),
          amount_fen INTEGER NOT NULL CHECK (amount_fen > 0),
          qr_content TEXT,
          provider_trade_no TEXT,
          failure_code TEXT,
          expires_at INTEGER NOT NULL,
          created_at INTEGER NOT NULL,
          updated_at INTEGER NOT NULL,
          pending_at INTEGER,
          succeeded_at INTEGER,
          failed_at INTEGER,
          closed_at INTEGER
        );
        CREATE INDEX attempts_by_order ON payment_attempts (order_id);
        CREATE INDEX attempts_unfinished ON payment_attempts (expires_at) WHERE status IN ('created', 'pending');

        CREATE TABLE events (
          seq INTEGER PRIMARY KEY AUTOINCREMENT,
          type TEXT NOT NULL,
          order_id TEXT,
          attempt_id TEXT,
          data TEXT NOT NULL,
          at INTEGER NOT NULL
        );
        CREATE INDEX events_by_order ON events (order_id, seq);
        CREATE TRIGGER events_are_append_only_update BEFORE UPDATE ON events
          BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
        CREATE TRIGGER events_are_append_only_delete BEFORE DELETE ON events
          BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
`

/** Ordered, append-only. Never edit a migration that has shipped: add a new one. */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'foundation',
    up: (db) => db.exec(FOUNDATION_SCHEMA),
  },
  {
    version: 2,
    name: 'routing',
    up(db) {
      db.exec(`
        -- Everything configurable about a wallet beyond the columns above, as validated JSON.
        ALTER TABLE wallet_configs ADD COLUMN settings TEXT NOT NULL DEFAULT '{}';

        ALTER TABLE orders ADD COLUMN context TEXT NOT NULL DEFAULT 'counter' CHECK (context IN ('counter', 'online'));
        CREATE INDEX orders_by_customer ON orders (customer_ref, created_at) WHERE customer_ref IS NOT NULL;

        ALTER TABLE payment_attempts ADD COLUMN account_id TEXT;
        ALTER TABLE payment_attempts ADD COLUMN installments INTEGER;
        ALTER TABLE payment_attempts ADD COLUMN merchant_fee_fen INTEGER;
        ALTER TABLE payment_attempts ADD COLUMN tendered_fen INTEGER;
        ALTER TABLE payment_attempts ADD COLUMN change_fen INTEGER;
        ALTER TABLE payment_attempts ADD COLUMN payment_code_masked TEXT;
        ALTER TABLE payment_attempts ADD COLUMN user_paying INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE payment_attempts ADD COLUMN aggregate_id TEXT;
        CREATE INDEX attempts_by_account ON payment_attempts (wallet, account_id, updated_at);
        CREATE INDEX attempts_succeeded_by_wallet ON payment_attempts (wallet, succeeded_at) WHERE status = 'succeeded';

        CREATE TABLE aggregate_codes (
          id TEXT PRIMARY KEY,
          order_id TEXT NOT NULL REFERENCES orders (id),
          token TEXT NOT NULL UNIQUE,
          expires_at INTEGER NOT NULL,
          created_at INTEGER NOT NULL
        );

        CREATE TABLE refunds (
          id TEXT PRIMARY KEY,
          order_id TEXT NOT NULL REFERENCES orders (id),
          attempt_id TEXT NOT NULL REFERENCES payment_attempts (id),
          wallet TEXT NOT NULL,
          amount_fen INTEGER NOT NULL CHECK (amount_fen > 0),
          reason TEXT NOT NULL,
          status TEXT NOT NULL CHECK (status IN ('pending', 'succeeded', 'failed')),
          provider_refund_no TEXT,
          tries INTEGER NOT NULL DEFAULT 0,
          last_error TEXT,
          created_at INTEGER NOT NULL,
          updated_at INTEGER NOT NULL,
          succeeded_at INTEGER,
          failed_at INTEGER
        );
        -- An automatic refund happens at most once per payment, however often it is retried.
        CREATE UNIQUE INDEX refunds_automatic_once ON refunds (attempt_id) WHERE reason IN ('duplicate_payment', 'late_payment', 'amount_mismatch');
        CREATE INDEX refunds_by_order ON refunds (order_id);
        CREATE INDEX refunds_unfinished ON refunds (created_at) WHERE status = 'pending';

        CREATE TABLE audit_log (
          seq INTEGER PRIMARY KEY AUTOINCREMENT,
          entity TEXT NOT NULL,
          entity_id TEXT NOT NULL,
          before TEXT,
          after TEXT NOT NULL,
          at INTEGER NOT NULL
        );
        CREATE TRIGGER audit_is_append_only_update BEFORE UPDATE ON audit_log
          BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
        CREATE TRIGGER audit_is_append_only_delete BEFORE DELETE ON audit_log
          BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;

      `)
    },
  },
  {
    version: 3,
    name: 'friend pay',
    up(db) {
      db.exec(`
        CREATE TABLE friend_pay_requests (
          id TEXT PRIMARY KEY,
          order_id TEXT NOT NULL REFERENCES orders (id),
          secret TEXT NOT NULL,
          pay_code TEXT NOT NULL UNIQUE,
          requester_name TEXT NOT NULL,
          mode TEXT NOT NULL CHECK (mode IN ('open', 'name-initial', 'designated')),
          payer_phone TEXT,
          message TEXT,
          amount_fen INTEGER NOT NULL CHECK (amount_fen > 0),
          status TEXT NOT NULL CHECK (status IN ('open', 'paid', 'expired', 'cancelled')),
          failed_tries INTEGER NOT NULL DEFAULT 0,
          locked_at INTEGER,
          cancel_reason TEXT,
          paid_attempt_id TEXT,
          expires_at INTEGER NOT NULL,
          created_at INTEGER NOT NULL,
          updated_at INTEGER NOT NULL,
          paid_at INTEGER,
          expired_at INTEGER,
          cancelled_at INTEGER
        );
        CREATE INDEX friend_pay_unfinished ON friend_pay_requests (expires_at) WHERE status = 'open';
        CREATE INDEX friend_pay_by_order ON friend_pay_requests (order_id);
        ALTER TABLE payment_attempts ADD COLUMN friend_pay_id TEXT;
      `)
    },
  },
  {
    version: 4,
    name: 'wallet credentials',
    up(db) {
      db.exec(`
        -- Real wallet credentials: public fields in clear, secrets encrypted by the OS keychain or a key file.
        CREATE TABLE wallet_credentials (
          wallet TEXT NOT NULL CHECK (wallet IN ('wechat', 'alipay')),
          mode TEXT NOT NULL CHECK (mode IN ('sandbox', 'production')),
          gateway_url TEXT NOT NULL,
          public_fields TEXT NOT NULL,
          secrets BLOB NOT NULL,
          secrets_kind TEXT NOT NULL,
          updated_at INTEGER NOT NULL,
          PRIMARY KEY (wallet, mode)
        );
      `)
    },
  },
  {
    version: 5,
    name: 'late payment watch and takings',
    up(db) {
      // Closed QR codes are still watched until shortly after their deadline (see the payment sweep).
      db.exec(`
        CREATE INDEX attempts_closed_by_deadline ON payment_attempts (expires_at) WHERE status = 'closed' AND method = 'qr';
        -- Takings by day and wallet (reports, shift close).
        CREATE INDEX orders_paid_by_time ON orders (paid_at) WHERE status = 'paid';
      `)
    },
  },
  {
    version: 6,
    name: 'account health read from the index alone',
    up(db) {
      // Routing reads each account's last outcomes on every checkout: the index now holds all it reads.
      db.exec(`
        DROP INDEX attempts_by_account;
        CREATE INDEX attempts_by_account ON payment_attempts (wallet, account_id, updated_at, status, failure_code, failed_at);
      `)
    },
  },
  {
    version: 7,
    name: 'credentials of any registered provider',
    up(db) {
      // The wallets that take credentials come from the provider registry (checked in code), not from a CHECK
      // that needed a table rebuild for every new provider. This is that rebuild, once.
      db.exec(`
        CREATE TABLE wallet_credentials_new (
          wallet TEXT NOT NULL CHECK (length(wallet) BETWEEN 1 AND 32),
          mode TEXT NOT NULL CHECK (mode IN ('sandbox', 'production')),
          gateway_url TEXT NOT NULL,
          public_fields TEXT NOT NULL,
          secrets BLOB NOT NULL,
          secrets_kind TEXT NOT NULL,
          updated_at INTEGER NOT NULL,
          PRIMARY KEY (wallet, mode)
        );
        INSERT INTO wallet_credentials_new SELECT wallet, mode, gateway_url, public_fields, secrets, secrets_kind, updated_at
          FROM wallet_credentials;
        DROP TABLE wallet_credentials;
        ALTER TABLE wallet_credentials_new RENAME TO wallet_credentials;
      `)
    },
  },
  {
    version: 8,
    name: 'idempotency keys',
    up(db) {
      // The stored answer of each request made with an Idempotency-Key, kept 24 hours for retries.
      db.exec(`
        CREATE TABLE idempotency_keys (
          key TEXT PRIMARY KEY CHECK (length(key) BETWEEN 1 AND 255),
          fingerprint TEXT NOT NULL,
          outcome TEXT NOT NULL,
          created_at INTEGER NOT NULL
        );
        CREATE INDEX idempotency_keys_by_age ON idempotency_keys (created_at);
      `)
    },
  },
  {
    version: 9,
    name: 'payments ended while their wallet was unreachable',
    up(db) {
      // Ended in our books without word from the wallet: asked again until it answers, then closed or reversed
      // there, or, if it was paid meanwhile, recorded and refunded.
      db.exec(`
        CREATE TABLE unreachable_endings (
          attempt_id TEXT PRIMARY KEY REFERENCES payment_attempts (id),
          ended_at INTEGER NOT NULL
        );
      `)
    },
  },
  {
    version: 10,
    name: 'hash-chained audit log',
    up(db) {
      // Each entry carries the hash of the one before: an entry edited or removed in the file breaks the chain.
      db.exec(`
        DROP TRIGGER audit_is_append_only_update;
        ALTER TABLE audit_log ADD COLUMN prev_hash TEXT;
        ALTER TABLE audit_log ADD COLUMN hash TEXT;
      `)
      chainExistingAuditEntries(db)
      db.exec(`
        CREATE TRIGGER audit_is_append_only_update BEFORE UPDATE ON audit_log
          BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
      `)
    },
  },
  {
    version: 11,
    name: 'merchant refunds',
    up: (db) => db.exec(MERCHANT_REFUNDS_SCHEMA),
  },
  {
    version: 12,
    name: 'staff, tills and who did what',
    up: (db) => db.exec(STAFF_SCHEMA),
  },
  {
    version: 13,
    name: 'shifts, the double-entry journal and day close',
    up(db) {
      db.exec(BOOKS_SCHEMA)
      db.exec(OPENING_JOURNAL)
    },
  },
  {
    version: 14,
    name: 'short order numbers per business day',
    up(db) {
      db.exec(`
        ALTER TABLE orders ADD COLUMN business_day TEXT;
        ALTER TABLE orders ADD COLUMN day_number INTEGER;
      `)
      numberExistingOrders(db)
      db.exec('CREATE UNIQUE INDEX orders_by_day_number ON orders (business_day, day_number)')
    },
  },
  {
    version: 15,
    name: 'paired devices and one-time pairing codes',
    up: (db) => db.exec(DEVICES_SCHEMA),
  },
  {
    version: 16,
    name: 'reconciliation runs against the wallets bills',
    up: (db) => db.exec(RECONCILIATION_SCHEMA),
  },
  {
    version: 17,
    name: 'reports: the journal summed per hour',
    up(db) {
      db.exec(REPORT_ROLLUP_SCHEMA)
      db.exec(REPORT_ROLLUP_BACKFILL)
      db.exec(REPORT_ROLLUP_TRIGGERS)
    },
  },
  {
    version: 18,
    name: 'balances and hourly sums folded in at each commit',
    up: (db) => db.exec(JOURNAL_FOLDS_MIGRATION),
  },
]

/**
 * One run per wallet, calendar day and mode (a new bill for the same day replaces the run's findings, keeping the
 * explanations already given); its discrepancies keep the facts, and the words are made when shown, in the
 * reader's language.
 */
const RECONCILIATION_SCHEMA = `
        CREATE TABLE reconciliation_runs (
          id TEXT PRIMARY KEY,
          wallet TEXT NOT NULL,
          date TEXT NOT NULL,
          mode TEXT NOT NULL CHECK (mode IN ('simulator', 'sandbox', 'production')),
          status TEXT NOT NULL CHECK (status IN ('matched', 'discrepancies', 'not_available', 'failed')),
          source TEXT NOT NULL CHECK (source IN ('import', 'download')),
          reason TEXT,
          matched_count INTEGER NOT NULL DEFAULT 0,
          bill TEXT,
          created_at INTEGER NOT NULL,
          updated_at INTEGER NOT NULL,
          UNIQUE (wallet, date, mode)
        );
        CREATE INDEX reconciliation_runs_by_date ON reconciliation_runs (date);

        CREATE TABLE reconciliation_discrepancies (
          id TEXT PRIMARY KEY,
          run_id TEXT NOT NULL REFERENCES reconciliation_runs (id),
          kind TEXT NOT NULL CHECK (kind IN ('missing_here', 'missing_at_wallet', 'amount_mismatch',
            'status_mismatch', 'fee_mismatch', 'other_account')),
          subject TEXT NOT NULL CHECK (subject IN ('payment', 'refund')),
          out_trade_no TEXT,
          out_refund_no TEXT,
          order_id TEXT,
          ours_fen INTEGER,
          theirs_fen INTEGER,
          facts TEXT NOT NULL DEFAULT '{}',
          status TEXT NOT NULL CHECK (status IN ('open', 'resolved', 'explained')),
          note TEXT,
          resolved_at INTEGER,
          resolved_by TEXT,
          created_at INTEGER NOT NULL
        );
        CREATE INDEX reconciliation_discrepancies_by_run ON reconciliation_discrepancies (run_id);
`

/**
 * A second till or a customer display pairs with a one-time code shown on a signed-in console and receives its own
 * credential (kept as a SHA-256 hash), which the owner can revoke; failed redemptions are counted to stop guessing.
 */
const DEVICES_SCHEMA = `
        CREATE TABLE devices (
          id TEXT PRIMARY KEY,
          kind TEXT NOT NULL CHECK (kind IN ('till', 'display')),
          name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 30),
          till_id TEXT NOT NULL REFERENCES tills (id),
          token_hash TEXT NOT NULL UNIQUE,
          paired_at INTEGER NOT NULL,
          paired_by TEXT,
          last_seen_at INTEGER,
          revoked_at INTEGER,
          revoked_by TEXT
        );

        CREATE TABLE pairing_codes (
          code TEXT PRIMARY KEY CHECK (length(code) = 6),
          kind TEXT NOT NULL CHECK (kind IN ('till', 'display')),
          name TEXT NOT NULL,
          till_id TEXT REFERENCES tills (id),
          created_by TEXT,
          created_at INTEGER NOT NULL,
          expires_at INTEGER NOT NULL,
          used_at INTEGER,
          device_id TEXT REFERENCES devices (id)
        );

        CREATE TABLE pairing_failures (at INTEGER NOT NULL);
        CREATE INDEX pairing_failures_by_time ON pairing_failures (at);
`

/**
 * Shifts (one open per till) and the drawer's cash movements; the journal (transactions of signed entries, debit
 * positive, each summing to zero) with each account's running balance; closed business days. The journal and the
 * drawer's movements are append-only: a correction is a reversing transaction.
 */
const BOOKS_SCHEMA = `
        CREATE TABLE shifts (
          id TEXT PRIMARY KEY,
          till_id TEXT NOT NULL REFERENCES tills (id),
          status TEXT NOT NULL CHECK (status IN ('open', 'closed')),
          opened_by TEXT,
          opened_at INTEGER NOT NULL,
          opening_float_fen INTEGER NOT NULL CHECK (opening_float_fen >= 0),
          closed_by TEXT,
          closed_at INTEGER,
          expected_cash_fen INTEGER,
          counted_cash_fen INTEGER CHECK (counted_cash_fen IS NULL OR counted_cash_fen >= 0),
          difference_fen INTEGER,
          approved_by TEXT,
          note TEXT,
          report TEXT
        );
        CREATE UNIQUE INDEX shifts_one_open_per_till ON shifts (till_id) WHERE status = 'open';
        CREATE INDEX shifts_by_opening ON shifts (opened_at);

        CREATE TABLE cash_movements (
          id TEXT PRIMARY KEY,
          shift_id TEXT NOT NULL REFERENCES shifts (id),
          kind TEXT NOT NULL CHECK (kind IN ('float', 'in', 'out', 'sale', 'refund')),
          amount_fen INTEGER NOT NULL CHECK (amount_fen != 0),
          reason TEXT,
          attempt_id TEXT,
          refund_id TEXT,
          staff_id TEXT,
          at INTEGER NOT NULL
        );
        CREATE INDEX cash_movements_by_shift ON cash_movements (shift_id, at);
        CREATE TRIGGER cash_movements_append_only_update BEFORE UPDATE ON cash_movements
          BEGIN SELECT RAISE(ABORT, 'cash movements are append-only'); END;
        CREATE TRIGGER cash_movements_append_only_delete BEFORE DELETE ON cash_movements
          BEGIN SELECT RAISE(ABORT, 'cash movements are append-only'); END;

        CREATE TABLE journal_transactions (
          id INTEGER PRIMARY KEY,
          kind TEXT NOT NULL,
          at INTEGER NOT NULL,
          -- The sum of its debits: what it moves, so a check of an order or a payment need not read the entries.
          amount_fen INTEGER NOT NULL CHECK (amount_fen > 0),
          order_id TEXT,
          attempt_id TEXT,
          refund_id TEXT,
          shift_id TEXT,
          movement_id TEXT,
          staff_id TEXT,
          till_id TEXT,
          reverses INTEGER REFERENCES journal_transactions (id),
          memo TEXT
        );
        CREATE INDEX journal_by_time ON journal_transactions (at);
        CREATE INDEX journal_by_till ON journal_transactions (till_id, at) WHERE till_id IS NOT NULL;
        -- What each money movement posts exactly once.
        CREATE UNIQUE INDEX journal_sale_of_order ON journal_transactions (order_id) WHERE kind = 'sale';
        CREATE UNIQUE INDEX journal_payment_received ON journal_transactions (attempt_id)
          WHERE kind = 'payment' AND refund_id IS NULL;
        CREATE UNIQUE INDEX journal_fee_of_payment ON journal_transactions (attempt_id) WHERE kind = 'fee';
        CREATE UNIQUE INDEX journal_refund_given ON journal_transactions (refund_id)
          WHERE kind IN ('refund', 'automatic_refund');
        CREATE UNIQUE INDEX journal_money_to_return ON journal_transactions (refund_id)
          WHERE kind = 'payment' AND refund_id IS NOT NULL;
        CREATE INDEX journal_refunds_of_order ON journal_transactions (order_id) WHERE kind = 'refund';

        -- Stored in transaction order: a transaction's entries sit together, and checking them is one pass.
        CREATE TABLE journal_entries (
          txn_id INTEGER NOT NULL REFERENCES journal_transactions (id),
          account TEXT NOT NULL,
          amount_fen INTEGER NOT NULL CHECK (amount_fen != 0),
          PRIMARY KEY (txn_id, account)
        ) WITHOUT ROWID;
        -- Each account's entries together, amounts included: a balance is summed from this index alone.
        CREATE INDEX journal_entries_by_account ON journal_entries (account, amount_fen);

        CREATE TABLE ledger_balances (
          account TEXT PRIMARY KEY,
          balance_fen INTEGER NOT NULL
        ) WITHOUT ROWID;

        CREATE TRIGGER journal_transactions_append_only_update BEFORE UPDATE ON journal_transactions
          BEGIN SELECT RAISE(ABORT, 'the journal is append-only'); END;
        CREATE TRIGGER journal_transactions_append_only_delete BEFORE DELETE ON journal_transactions
          BEGIN SELECT RAISE(ABORT, 'the journal is append-only'); END;
        CREATE TRIGGER journal_entries_append_only_update BEFORE UPDATE ON journal_entries
          BEGIN SELECT RAISE(ABORT, 'the journal is append-only'); END;
        CREATE TRIGGER journal_entries_append_only_delete BEFORE DELETE ON journal_entries
          BEGIN SELECT RAISE(ABORT, 'the journal is append-only'); END;

        CREATE TABLE day_closes (
          day TEXT PRIMARY KEY,
          starts_at INTEGER NOT NULL,
          ends_at INTEGER NOT NULL,
          closed_at INTEGER NOT NULL,
          closed_by TEXT,
          report TEXT NOT NULL
        );
`

/**
 * The journal's opening: money already in the books is posted once, by the same rules the engine follows from now
 * on (see ledger/postings.ts): payments received (and their fees), sales, refunds, and money that arrived for an
 * automatic refund on a payment that never succeeded.
 */
const OPENING_JOURNAL = `
        CREATE TEMP TABLE opening (kind TEXT, at INTEGER, order_id TEXT, attempt_id TEXT, refund_id TEXT,
          account TEXT, amount_fen INTEGER);
        INSERT INTO opening
          SELECT 'payment', COALESCE(a.succeeded_at, a.updated_at), a.order_id, a.id, NULL,
            CASE a.wallet WHEN 'cash' THEN 'drawer:none' ELSE 'clearing:' || a.wallet || ':' || COALESCE(a.account_id, '-') END,
            a.amount_fen
          FROM payment_attempts a WHERE a.status = 'succeeded';
        INSERT INTO opening
          SELECT 'payment', r.created_at, r.order_id, r.attempt_id, r.id,
            'clearing:' || a.wallet || ':' || COALESCE(a.account_id, '-'), r.amount_fen
          FROM refunds r JOIN payment_attempts a ON a.id = r.attempt_id
          WHERE r.kind = 'automatic' AND r.retry_of IS NULL AND a.status != 'succeeded';
        INSERT INTO opening
          SELECT 'sale', o.paid_at, o.id, o.paid_attempt_id, NULL, 'sales', o.total_fen FROM orders o WHERE o.status = 'paid';
        INSERT INTO opening
          SELECT CASE r.kind WHEN 'merchant' THEN 'refund' ELSE 'automatic_refund' END, COALESCE(r.succeeded_at, r.updated_at),
            r.order_id, r.attempt_id, r.id,
            CASE a.wallet WHEN 'cash' THEN 'drawer:none' ELSE 'clearing:' || a.wallet || ':' || COALESCE(a.account_id, '-') END,
            r.amount_fen
          FROM refunds r JOIN payment_attempts a ON a.id = r.attempt_id WHERE r.status = 'succeeded';

        INSERT INTO journal_transactions (kind, at, amount_fen, order_id, attempt_id, refund_id, memo)
          SELECT kind, at, amount_fen, order_id, attempt_id, refund_id, 'opening' FROM opening ORDER BY at;
        -- Each opening transaction: the channel (or sales) against unapplied money, or refunds against the channel.
        INSERT INTO journal_entries (txn_id, account, amount_fen)
          SELECT t.id, o.account, CASE o.kind WHEN 'payment' THEN o.amount_fen WHEN 'sale' THEN -o.amount_fen ELSE -o.amount_fen END
          FROM journal_transactions t JOIN opening o
            ON o.kind = t.kind AND o.at = t.at AND o.attempt_id IS t.attempt_id AND o.refund_id IS t.refund_id
              AND o.order_id IS t.order_id;
        INSERT INTO journal_entries (txn_id, account, amount_fen)
          SELECT t.id, CASE o.kind WHEN 'refund' THEN 'refunds' ELSE 'unapplied' END,
            CASE o.kind WHEN 'payment' THEN -o.amount_fen ELSE o.amount_fen END
          FROM journal_transactions t JOIN opening o
            ON o.kind = t.kind AND o.at = t.at AND o.attempt_id IS t.attempt_id AND o.refund_id IS t.refund_id
              AND o.order_id IS t.order_id;
        -- The wallet's fee on each payment received.
        INSERT INTO journal_transactions (kind, at, amount_fen, order_id, attempt_id, memo)
          SELECT 'fee', COALESCE(a.succeeded_at, a.updated_at), a.merchant_fee_fen, a.order_id, a.id, 'opening'
          FROM payment_attempts a WHERE a.status = 'succeeded' AND COALESCE(a.merchant_fee_fen, 0) > 0;
        INSERT INTO journal_entries (txn_id, account, amount_fen)
          SELECT t.id, 'fees:' || a.wallet, a.merchant_fee_fen FROM journal_transactions t
            JOIN payment_attempts a ON a.id = t.attempt_id WHERE t.kind = 'fee';
        INSERT INTO journal_entries (txn_id, account, amount_fen)
          SELECT t.id, 'clearing:' || a.wallet || ':' || COALESCE(a.account_id, '-'), -a.merchant_fee_fen
          FROM journal_transactions t JOIN payment_attempts a ON a.id = t.attempt_id WHERE t.kind = 'fee';
        INSERT INTO ledger_balances (account, balance_fen)
          SELECT account, SUM(amount_fen) FROM journal_entries GROUP BY account;
        DROP TABLE opening;
`

/**
 * Staff sign in by PIN (kept as a scrypt hash) on a named till; orders, payments, refunds and audited changes
 * record who made them. A session is known by its token's SHA-256 only.
 */
const STAFF_SCHEMA = `
        CREATE TABLE staff (
          id TEXT PRIMARY KEY,
          name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 40),
          role TEXT NOT NULL CHECK (role IN ('owner', 'manager', 'cashier')),
          pin_hash TEXT NOT NULL,
          -- The demo store's published PIN, shown at sign-in while every wallet is simulated; null once changed.
          demo_pin TEXT,
          active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
          failed_pins INTEGER NOT NULL DEFAULT 0,
          locked_until INTEGER,
          created_at INTEGER NOT NULL,
          updated_at INTEGER NOT NULL
        );

        CREATE TABLE tills (
          id TEXT PRIMARY KEY,
          name TEXT NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 30),
          kind TEXT NOT NULL CHECK (kind IN ('desktop', 'browser')),
          created_at INTEGER NOT NULL,
          last_seen_at INTEGER NOT NULL
        );

        CREATE TABLE staff_sessions (
          id TEXT PRIMARY KEY,
          token_hash TEXT NOT NULL UNIQUE,
          staff_id TEXT NOT NULL REFERENCES staff (id),
          till_id TEXT REFERENCES tills (id),
          pin_change_required INTEGER NOT NULL DEFAULT 0,
          created_at INTEGER NOT NULL,
          last_seen_at INTEGER NOT NULL,
          ended_at INTEGER
        );

        ALTER TABLE orders ADD COLUMN staff_id TEXT;
        ALTER TABLE orders ADD COLUMN till_id TEXT;
        ALTER TABLE payment_attempts ADD COLUMN staff_id TEXT;
        ALTER TABLE refunds ADD COLUMN approved_by TEXT;
        ALTER TABLE audit_log ADD COLUMN actor TEXT;
`

/**
 * Refunds a merchant asks for (whole, by amount or by returned lines), with who asked and why, and the wallet's
 * `processing` state as a status of its own. The table is rebuilt once for the new status; a trigger keeps the
 * refunds of a payment within what it took, whatever the code above it does.
 */
const MERCHANT_REFUNDS_SCHEMA = `
        CREATE TABLE refunds_new (
          id TEXT PRIMARY KEY,
          order_id TEXT NOT NULL REFERENCES orders (id),
          attempt_id TEXT NOT NULL REFERENCES payment_attempts (id),
          wallet TEXT NOT NULL,
          kind TEXT NOT NULL DEFAULT 'automatic' CHECK (kind IN ('automatic', 'merchant')),
          amount_fen INTEGER NOT NULL CHECK (amount_fen > 0),
          reason TEXT NOT NULL,
          note TEXT,
          lines TEXT,
          staff_id TEXT,
          retry_of TEXT,
          status TEXT NOT NULL CHECK (status IN ('pending', 'processing', 'succeeded', 'failed')),
          provider_refund_no TEXT,
          tries INTEGER NOT NULL DEFAULT 0,
          last_error TEXT,
          created_at INTEGER NOT NULL,
          updated_at INTEGER NOT NULL,
          processing_at INTEGER,
          succeeded_at INTEGER,
          failed_at INTEGER
        );
        INSERT INTO refunds_new (id, order_id, attempt_id, wallet, amount_fen, reason, status, provider_refund_no, tries,
            last_error, created_at, updated_at, processing_at, succeeded_at, failed_at)
          SELECT id, order_id, attempt_id, wallet, amount_fen, reason,
            CASE WHEN status = 'pending' AND provider_refund_no IS NOT NULL THEN 'processing' ELSE status END,
            provider_refund_no, tries, last_error, created_at, updated_at,
            CASE WHEN provider_refund_no IS NOT NULL THEN updated_at END, succeeded_at, failed_at
          FROM refunds;
        DROP TABLE refunds;
        ALTER TABLE refunds_new RENAME TO refunds;
        CREATE UNIQUE INDEX refunds_automatic_once ON refunds (attempt_id) WHERE reason IN ('duplicate_payment', 'late_payment', 'amount_mismatch');
        CREATE INDEX refunds_by_order ON refunds (order_id);
        CREATE INDEX refunds_by_attempt ON refunds (attempt_id, status);
        CREATE INDEX refunds_by_time ON refunds (created_at);
        CREATE INDEX refunds_unfinished ON refunds (created_at) WHERE status IN ('pending', 'processing');

        -- A merchant refund's money counts against the payment until the wallet refuses it; an ABNORMAL refund has
        -- left the merchant (the wallet holds it for the customer) and keeps counting. Automatic refunds give back
        -- what a wallet reports it took, which for a mismatched amount is not what was asked.
        CREATE TRIGGER refunds_within_payment BEFORE INSERT ON refunds
          WHEN NEW.kind = 'merchant' AND NEW.amount_fen + (
            SELECT COALESCE(SUM(amount_fen), 0) FROM refunds
              WHERE attempt_id = NEW.attempt_id AND (status != 'failed' OR last_error = 'ABNORMAL')
          ) > (SELECT amount_fen FROM payment_attempts WHERE id = NEW.attempt_id)
          BEGIN SELECT RAISE(ABORT, 'refunds exceed the payment'); END;

        -- What merchant refunds have given back, kept on the order for lists and day figures.
        ALTER TABLE orders ADD COLUMN refunded_fen INTEGER NOT NULL DEFAULT 0 CHECK (refunded_fen >= 0 AND refunded_fen <= total_fen);
`

/** Orders made before numbering get their business day (start hour as configured then) and numbers in order. */
function numberExistingOrders(db: Database): void {
  const stored = db.prepare("SELECT value FROM settings WHERE key = 'books.day_start_hour'").get() as
    { value: string } | undefined
  const startHourMs = Number(stored?.value ?? 4) * 3_600_000
  const beijingMs = 8 * 3_600_000
  const rows = db.prepare('SELECT id, created_at FROM orders ORDER BY created_at, id').all() as {
    id: string
    created_at: number
  }[]
  const update = db.prepare('UPDATE orders SET business_day = ?, day_number = ? WHERE id = ?')
  const counts = new Map<string, number>()
  for (const row of rows) {
    const day = new Date(row.created_at + beijingMs - startHourMs).toISOString().slice(0, 10)
    const number = (counts.get(day) ?? 0) + 1
    counts.set(day, number)
    update.run(day, number, row.id)
  }
}

/** Entries written before the chain existed are chained once, in order. */
function chainExistingAuditEntries(db: Database): void {
  const rows = db.prepare('SELECT * FROM audit_log ORDER BY seq').all() as AuditRow[]
  const update = db.prepare('UPDATE audit_log SET prev_hash = ?, hash = ? WHERE seq = ?')
  let previous = AUDIT_GENESIS_HASH
  for (const row of rows) {
    const hash = auditEntryHash(previous, row)
    update.run(previous, hash, row.seq)
    previous = hash
  }
}

export const LATEST_SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]?.version ?? 0
