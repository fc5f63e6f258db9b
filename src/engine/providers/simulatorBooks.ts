import type { Database } from 'better-sqlite3'
import type { Migration } from '../db/migrations'
import { openDatabase } from '../db/open'

/**
 * The simulator stands in for a remote wallet, so it keeps its own books in its own file, apart from the
 * merchant's. Like a remote wallet's, they are not the merchant's durability concern: written with
 * synchronous=NORMAL, they cost the checkout no extra disk flushes.
 */
export const SIMULATOR_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'simulator books',
    up(db) {
      db.exec(`
        CREATE TABLE sim_trades (
          out_trade_no TEXT PRIMARY KEY,
          wallet TEXT NOT NULL,
          amount_fen INTEGER NOT NULL CHECK (amount_fen > 0),
          description TEXT NOT NULL,
          page_token TEXT NOT NULL UNIQUE,
          state TEXT NOT NULL CHECK (state IN ('NOTPAY', 'USERPAYING', 'SUCCESS', 'CLOSED', 'PAYERROR')),
          kind TEXT NOT NULL DEFAULT 'qr' CHECK (kind IN ('qr', 'code')),
          confirm_at INTEGER,
          transaction_id TEXT,
          outcome TEXT NOT NULL DEFAULT 'succeed',
          expires_at INTEGER NOT NULL,
          created_at INTEGER NOT NULL,
          paid_at INTEGER,
          closed_at INTEGER
        );
        CREATE TABLE sim_refunds (
          out_refund_no TEXT PRIMARY KEY,
          out_trade_no TEXT NOT NULL REFERENCES sim_trades (out_trade_no),
          amount_fen INTEGER NOT NULL CHECK (amount_fen > 0),
          refund_id TEXT NOT NULL,
          created_at INTEGER NOT NULL
        );
      `)
    },
  },
  {
    version: 2,
    name: 'simulator bills',
    up(db) {
      // A trade's bill line needs the account it settled to and the fee the wallet took; differences from the
      // books that the next bills are to show (for demos and tests) are kept as validated JSON.
      db.exec(`
        ALTER TABLE sim_trades ADD COLUMN merchant_id TEXT;
        ALTER TABLE sim_trades ADD COLUMN fee_fen INTEGER NOT NULL DEFAULT 0 CHECK (fee_fen >= 0);
        CREATE INDEX sim_trades_paid_at ON sim_trades (paid_at) WHERE paid_at IS NOT NULL;
        CREATE INDEX sim_refunds_created_at ON sim_refunds (created_at);
        CREATE TABLE sim_bill_differences (
          position INTEGER PRIMARY KEY,
          difference TEXT NOT NULL CHECK (json_valid(difference))
        );
      `)
    },
  },
]

export const SIMULATOR_DATABASE_FILE = 'simulator.sqlite'

export function openSimulatorBooks(file: string, nativeBinding?: string): Database {
  return openDatabase(file, { nativeBinding, migrations: SIMULATOR_MIGRATIONS, synchronous: 'NORMAL' })
}
