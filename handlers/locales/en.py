"""English text."""

TEXT: dict[str, str] = {
    # commands typed by quick replies (must match a route)
    "cmd_points": "points",
    "cmd_card": "card",
    "cmd_help": "help",
    "cmd_cancel": "cancel",
    "cmd_resend": "resend",
    "cmd_register": "register",
    # quick-reply labels (at most 20 characters)
    "qr_register": "Register",
    "qr_help": "Help",
    "qr_points": "My points",
    "qr_card": "Member card",
    "qr_cancel": "Cancel",
    "qr_resend": "Send a new code",
    "qr_award": "Award points",
    "qr_invite": "Invite staff",
    "yes": "yes",
    "no": "no",
    # welcome and consent
    "welcome": "Welcome to {shop}! Collect points every time you shop and swap them for rewards.",
    "welcome_back": "Welcome back to {shop}! You have {points} points.",
    "privacy_notice": (
        "Before you join, how we use your data:\n"
        "• We keep your phone number, your LINE name and your points and purchases at {shop}.\n"
        "• We use them to run your membership and, if you agree, to send you offers.\n"
        '• You can stop offers any time (type "stop"), or ask for your data or its deletion.\n'
        "Do you agree?"
    ),
    "consent_all": "Agree, send offers",
    "consent_service": "Agree, no offers",
    "consent_no": "Not now",
    "consent_thanks": "Thank you!",
    "consent_saved": "Your choice is saved.",
    "consent_declined": (
        "No problem. We need your agreement to keep points for you. "
        "Tap Register whenever you are ready."
    ),
    # registration
    "ask_phone": "Please type your mobile phone number, e.g. 081-234-5678.",
    "bad_phone": (
        "That does not look like a phone number. Please type it like 081-234-5678 or +66812345678."
    ),
    "phone_taken": (
        "This phone number is already registered to another LINE account. "
        "If it is yours, please ask our staff for help."
    ),
    "otp_sent": (
        "This number already has points with us. To make sure it is yours, we sent a 6-digit "
        "code by SMS to {phone}. Please type the code here."
    ),
    "otp_sms": "{shop}: your code is {code}. It is valid for 10 minutes.",
    "otp_wrong": "That code is not right. Please check the SMS and try again.",
    "otp_expired": "That code has expired. Type your phone number again to get a new one.",
    "otp_locked": "Too many wrong codes. Type your phone number again to get a new one.",
    "otp_too_many": "We have sent too many codes today. Please try again tomorrow.",
    "already_member": "You are already a member (member code {code}).",
    "registered": "You are now a member of {shop}! Your member code is {code}.",
    "registered_with_points": (
        "You are now a member of {shop}! Your member code is {code} and you already "
        "have {points} points."
    ),
    "not_member": "You are not a member yet. Tap Register to join: it takes one minute.",
    # points and card
    "points_balance": "You have {points} points.",
    "points_month": "Earned this month: {points} points.",
    "points_recent": "Latest:",
    "kind_earn": "purchase",
    "kind_redeem": "reward",
    "kind_adjust": "adjustment",
    "kind_expire": "expired",
    "kind_referral": "referral",
    "kind_birthday": "birthday",
    "kind_void": "cancelled",
    "kind_refund": "refund",
    "card_title": "Member card",
    "card_points": "Points",
    "card_phone": "Phone",
    "card_alt": "{shop} member card: {points} points",
    "card_hint": "Show this QR to the cashier to collect points.",
    # help, language, cancel, unknown
    "help_customer": (
        "What you can type:\n"
        "• points: your points\n"
        "• card: your member card\n"
        "• language th / language en\n"
        "• stop / start: no offers / offers again\n"
        "• cancel: leave what you are doing"
    ),
    "help_staff": (
        "Staff:\n"
        "• award <phone or member code> <baht>  (or + 0812345678 350)\n"
        "• void <entry number>: cancel a mistaken award (your own, within 15 minutes)\n"
        "• member <phone or code>: look a member up\n"
        "Scan a member card with LINE's QR reader, tap send, then type the amount."
    ),
    "help_owner": (
        "Owner:\n• staff invite: a code for a new staff member\n• staff list / staff remove <n>"
    ),
    "language_which": "Which language? ภาษาไหนคะ",
    "language_set": "I will speak English with you from now on.",
    "marketing_stopped": "You will no longer get offers or news from us. Your points stay, and we still tell you when they change. Type start to get offers again.",
    "marketing_started": "You will get our offers and news again. Type stop any time.",
    "picture_unused": "Thanks for the picture! I can't use it here. Tap a button below or type help.",
    "cancelled": "Cancelled.",
    "nothing_to_cancel": "There is nothing to cancel.",
    "unknown": "Sorry, I did not understand that. Tap one of the buttons below, or type help.",
    "error_sorry": "Sorry, something went wrong on our side and nothing was changed. Please try again.",
    "only_staff": "Sorry, only shop staff can do that.",
    "only_owner": "Sorry, only the shop owner can do that.",
    # staff
    "join_usage": "To join as staff, type join followed by the code from the owner.",
    "join_already": "You are already staff.",
    "join_bad_code": "That invite code is wrong, used or expired. Please ask the owner for a new one.",
    "join_done": "Welcome to the {shop} team! Type help to see what staff can do.",
    "award_usage": "Type: award <phone or member code> <baht>, e.g. award 0812345678 350",
    "award_bad_amount": "{amount} is not an amount in baht. Type it like 350 or 1250.50.",
    "award_no_member": "No member found for {target}. Check the phone number or member code.",
    "award_ask_amount": "Member {who}, {points} points. How much did they spend (baht)?",
    "award_done": "Awarded {points} points for {amount} baht to {who}. Balance: {balance}. (entry #{entry})",
    "award_done_counter": (
        "Awarded {points} points for {amount} baht to {who}. Balance: {balance}. (entry #{entry}) "
        "This customer is not on LINE yet: invite them to add the shop as a friend."
    ),
    "award_notice": "{shop}: you earned {points} points. You now have {balance} points.",
    "void_usage": "Type: void <entry number>, e.g. void 123",
    "void_not_found": "There is no award #{entry}.",
    "void_not_yours": "Award #{entry} was made by someone else. Please ask the owner.",
    "void_too_late": "Award #{entry} is more than 15 minutes old. Please ask the owner.",
    "void_already_void": "Award #{entry} was already cancelled.",
    "void_points_spent": "The member has already used points from award #{entry}, so it cannot be cancelled.",
    "void_done": "Award #{entry} cancelled: {points} points taken back. Balance: {balance}.",
    "void_notice": "{shop}: a mistaken award of {points} points was cancelled. You now have {balance} points.",
    "lookup_usage": "Type: member <phone or member code>",
    "lookup_result": "Member {who}\nPoints: {points}\nOn LINE: {line}",
    # owner
    "invite_created": (
        "Invite code for a new staff member (valid 24 hours, once). "
        "Forward the next message to them; they send it to this chat:"
    ),
    "staff_list_title": "Staff:",
    "role_customer": "customer",
    "role_staff": "staff",
    "role_owner": "owner",
    "staff_remove_usage": "Type: staff remove <number from staff list>",
    "staff_remove_owner": "An owner cannot be removed from the chat. Use the loyalty command line.",
    "staff_removed": "{name} is no longer staff.",
    # rewards and coupons
    "cmd_rewards": "rewards",
    "cmd_coupons": "coupons",
    "cmd_coupon_history": "coupons history",
    "cmd_reward_list": "reward list",
    "cmd_reward_add": "reward add",
    "qr_rewards": "Rewards",
    "qr_coupons": "My coupons",
    "qr_coupon_history": "Used and expired",
    "qr_confirm_redeem": "Yes, redeem",
    "qr_reward_list": "Reward list",
    "qr_reward_add": "Add a reward",
    "word_skip": "skip",
    "word_unlimited": "unlimited",
    "word_save": "save",
    "months": "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec",
    "year_offset": "0",
    "rewards_intro": "You have {points} points. Pick a reward to redeem.",
    "rewards_intro_guest": "Our rewards. Register to collect points and redeem them here.",
    "rewards_none": "There are no rewards to redeem right now.",
    "rewards_alt": "Rewards at {shop}",
    "rewards_more": "Show more",
    "rewards_more_hint": "{left} more",
    "reward_cost": "{points} points",
    "reward_stock": "{stock} left",
    "reward_unlimited": "Always available",
    "reward_sold_out": "Sold out",
    "reward_valid_days": "Coupon valid {days} days after redeeming",
    "reward_limit": "Limit {limit} per member",
    "reward_limit_reached": "You have redeemed your limit",
    "reward_short": "{points} more points needed",
    "reward_redeem": "Redeem",
    "redeem_confirm": "Redeem {reward} for {cost} points ({left} points left afterwards)?",
    "redeem_done": "{reward} redeemed! You now have {points} points. Show this coupon at the counter.",
    "redeem_not_found": "This reward is no longer available.",
    "redeem_paused": "This reward is not available right now.",
    "redeem_no_points": "Not enough points: you have {points}.",
    "redeem_out_of_stock": "Sorry, this reward has just sold out.",
    "redeem_limit": "You have already redeemed this reward as often as allowed.",
    "coupon_title": "Coupon",
    "coupon_alt": "Coupon {reward}: {code}",
    "coupon_valid_until_label": "Valid until",
    "coupon_points_label": "Points used",
    "coupon_hint": "Show this QR to staff at the counter. It can be used once.",
    "coupon_image_title": "REWARD COUPON",
    "coupon_image_hint": "Show this QR at the counter",
    "coupon_image_points": "{points} points",
    "coupon_valid_until": "Valid until {date}",
    "coupons_intro": "You have {count} coupon(s) ready to use.",
    "coupons_none": "You have no coupons to use right now. Redeem points for a reward under Rewards.",
    "coupons_alt": "Your coupons at {shop} ({count})",
    "coupons_more_hint": "{left} more",
    "coupon_history_title": "Used, expired and cancelled coupons:",
    "coupon_history_none": "No used or expired coupons yet.",
    "coupon_state_used": "used {when}",
    "coupon_state_expired": "expired {when}",
    "coupon_state_cancelled": "cancelled, points returned",
    "coupon_state_live": "still valid",
    "coupon_used_notice": "{shop}: your coupon {reward} ({code}) has been used. Thank you for visiting!",
    "coupon_cancelled_notice": "{shop}: your coupon {reward} ({code}) was cancelled and {points} points returned. You now have {balance} points.",
    "use_usage": "Type: redeem <coupon code>, e.g. redeem C-7K3QX9ABC, or scan the coupon QR with LINE's QR reader.",
    "use_used_now": "✅ Coupon used\nReward: {reward}\nMember: {who}\nTime: {when}\nCode: {code}",
    "use_already_used": "❌ Coupon {code} was already used on {when} by {staff} ({reward}).",
    "use_expired": "❌ Coupon {code} has expired (valid until {when}) ({reward}).",
    "use_cancelled": "❌ Coupon {code} was cancelled ({reward}).",
    "use_unknown": "❌ No coupon {code}. Please check the code.",
    "photo_no_qr": "No QR code of this shop found in the photo. Try again with the QR sharp and filling the frame, or type redeem and the code.",
    "cancel_coupon_usage": "Type: coupon cancel <code>, e.g. coupon cancel C-7K3QX9ABC",
    "cancel_coupon_already": "Coupon {code} is already cancelled.",
    "cancel_coupon_done": "Coupon {code} ({reward}) cancelled; {points} points returned to {who}, balance {balance}.",
    "reward_add_intro": "Adding a new reward, one question at a time (type cancel to stop at any point).",
    "ask_name_th": "What is the reward called (in Thai)?",
    "ask_name_en": "Its English name? (tap skip if none)",
    "ask_points_cost": "How many points does it cost?",
    "ask_stock": "How many are there to redeem? (or tap unlimited)",
    "ask_valid_days": "For how many days is the coupon valid after redeeming? e.g. 30",
    "ask_limit_per_member": "How many times may one member redeem it? (or tap unlimited)",
    "ask_picture_token": "Send a picture of the reward in this chat (or tap skip).",
    "bad_name_th": "The name must be 1-80 characters.",
    "bad_name_en": "The name must be 1-80 characters.",
    "bad_points_cost": "Please type the points as a number from 1 to 1,000,000.",
    "bad_stock": "Please type a number from 0 to 1,000,000, or unlimited.",
    "bad_valid_days": "Please type the days as a number from 1 to 3650.",
    "bad_limit_per_member": "Please type a number from 1 to 1000, or unlimited.",
    "bad_picture_token": "No picture received. Send a photo (JPEG or PNG), or tap skip.",
    "field_name_th": "Name",
    "field_name_en": "English name",
    "field_points_cost": "Points",
    "field_stock": "Stock left",
    "field_valid_days": "Valid days",
    "field_limit_per_member": "Limit per member",
    "field_picture_token": "Picture",
    "reward_summary_title": "Check before saving:",
    "reward_added": "Reward #{id} {name} saved. Customers will see it like this:",
    "reward_updated": "Reward #{id} {name} updated. Customers will see it like this:",
    "reward_edit_usage": "Type: reward edit <number>, e.g. reward edit 3 (numbers are in the reward list).",
    "reward_edit_which": "Editing reward #{id} {name}: what would you like to change?",
    "reward_pause_usage": "Type: reward pause <number>, e.g. reward pause 3",
    "reward_resume_usage": "Type: reward resume <number>, e.g. reward resume 3",
    "reward_paused": "Reward #{id} {name} paused: customers no longer see or redeem it (coupons already issued stay valid).",
    "reward_resumed": "Reward #{id} {name} can be redeemed again.",
    "reward_list_title": "All rewards:",
    "reward_list_empty": "No rewards yet. Add one with: reward add",
    "reward_list_hint": "Commands: reward add · reward edit <number> · reward pause <number> · reward resume <number>",
    "reward_issued": "{count} redeemed",
    "reward_is_paused": "⏸ paused",
    "picture_attached": "attached",
    "picture_none": "none",
    "qr_decline_redeem": "Not now",
    "redeem_declined": "No problem, no points were spent.",
}
