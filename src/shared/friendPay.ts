/** Wrong verification answers a friend-pay link accepts before it locks. */
export const FRIEND_PAY_MAX_WRONG_ANSWERS = 5

/** Two-character surnames, kept whole when a name is masked: 欧阳小明 → 欧阳**. */
const COMPOUND_SURNAMES = new Set([
  '欧阳',
  '上官',
  '司马',
  '诸葛',
  '东方',
  '皇甫',
  '尉迟',
  '公孙',
  '慕容',
  '令狐',
  '长孙',
  '宇文',
  '司徒',
  '司空',
  '夏侯',
  '轩辕',
  '端木',
  '南宫',
  '西门',
  '独孤',
  '百里',
  '呼延',
  '澹台',
  '公羊',
  '赫连',
  '钟离',
  '闻人',
  '拓跋',
  '太史',
  '申屠',
  '濮阳',
  '万俟',
  '淳于',
  '单于',
  '鲜于',
  '闾丘',
  '东郭',
  '左丘',
  '第五',
])

const HAN = /\p{Script=Han}/u

/**
 * The one way a requester's name is shown to anyone but the merchant: the surname, then a star for
 * each other character (王小明 → 王**, 赵敏 → 赵*, 欧阳小明 → 欧阳**); a name in Latin letters keeps its
 * first letter and hides even its length (Wang Xiaoming → W***).
 */
export function maskPersonName(name: string): string {
  const chars = [...name.trim()]
  const first = chars[0]
  if (first === undefined) return ''
  if (!HAN.test(first)) return `${first}***`
  const compound = chars.length >= 3 && COMPOUND_SURNAMES.has(chars.slice(0, 2).join(''))
  const surname = compound ? chars.slice(0, 2).join('') : first
  const hidden = chars.length - [...surname].length
  return `${surname}${'*'.repeat(Math.max(hidden, 1))}`
}
