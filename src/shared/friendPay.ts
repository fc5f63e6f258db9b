/** Wrong verification answers a friend-pay link accepts before it locks. */
export const FRIEND_PAY_MAX_WRONG_ANSWERS = 5
