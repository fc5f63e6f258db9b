import type { Database } from 'better-sqlite3'
import type { WalletConfig } from '../../shared/api/types'
import { WALLET_IDS, type WalletId } from '../../shared/wallets'
import type { Clock } from '../clock'
import { insertProduct } from '../catalog/products'
import { hasStoreProfile, saveStoreProfile } from '../store/profile'
import { defaultWalletConfig } from '../config/defaults'
import { saveWalletConfig } from '../config/wallets'

const DEMO_PRODUCTS = [
  { sku: 'DRK-001', barcode: '6901234567892', name: '豆浆', priceFen: 400, category: '饮料' },
  { sku: 'DRK-002', barcode: '6921168509256', name: '矿泉水 550ml', priceFen: 200, category: '饮料' },
  { sku: 'DRK-003', barcode: '6901939621608', name: '可乐 330ml', priceFen: 350, category: '饮料' },
  { sku: 'BRK-001', barcode: '6900000000011', name: '茶叶蛋', priceFen: 150, category: '早餐' },
  { sku: 'BRK-002', barcode: '6900000000028', name: '肉包', priceFen: 250, category: '早餐' },
  { sku: 'BRK-003', barcode: '6900000000035', name: '油条', priceFen: 200, category: '早餐' },
  { sku: 'BRK-004', barcode: '6900000000042', name: '煎饼果子', priceFen: 800, category: '早餐' },
  { sku: 'DLY-001', barcode: '6900000000059', name: '纸巾', priceFen: 300, category: '日用' },
  { sku: 'DLY-002', barcode: '6900000000066', name: '雨伞', priceFen: 2990, category: '日用' },
] as const

/**
 * The demo takes WeChat Pay, Alipay, Huabei, QuickPass and cash through the simulator; JD Pay's contract
 * is pending and e-CNY is not signed, to show how unavailable wallets look.
 */
function demoWalletConfigs(): WalletConfig[] {
  const signed: WalletId[] = ['wechat', 'alipay', 'huabei', 'unionpay', 'cash']
  return WALLET_IDS.map((wallet) => ({
    ...defaultWalletConfig(wallet),
    accepted: wallet !== 'ecny',
    contractStatus: signed.includes(wallet) ? 'signed' : wallet === 'jdpay' ? 'pending' : 'not_signed',
  }))
}

/** Seeds a demo store on a fresh database; does nothing once a store exists. Returns whether it seeded. */
export function seedDemoStore(db: Database, clock: Clock, newId: (prefix: 'prd') => string): boolean {
  return db.transaction(() => {
    if (hasStoreProfile(db)) return false
    const now = clock.now()
    saveStoreProfile(db, { name: '互通便利店（演示）', address: '北京市东城区南锣鼓巷 1 号' }, now)
    for (const p of DEMO_PRODUCTS) {
      insertProduct(db, { id: newId('prd'), ...p, active: true }, now)
    }
    for (const config of demoWalletConfigs()) saveWalletConfig(db, config, now, false)
    return true
  })()
}
