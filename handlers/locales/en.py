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
    # segments and broadcasts
    "seg_champions": "Champions",
    "seg_loyal": "Loyal",
    "seg_potential_loyalist": "Potential loyalists",
    "seg_new": "New customers",
    "seg_promising": "Promising",
    "seg_need_attention": "Need attention",
    "seg_about_to_sleep": "About to sleep",
    "seg_at_risk": "At risk",
    "seg_cant_lose": "Can't lose them",
    "seg_hibernating": "Hibernating",
    "seg_no_purchase": "No purchase yet",
    "seg_everyone": "Everyone",
    "seg_unused_coupon": "Holding an unused coupon",
    "seg_champions_action": "Thank them with something exclusive and ask them to bring a friend.",
    "seg_loyal_action": "Offer a bigger reward for the next visits so they keep coming.",
    "seg_potential_loyalist_action": "Give double points for a few weeks to turn visits into a habit.",
    "seg_new_action": "Welcome them and give a reason to come back soon, e.g. a second-visit coupon.",
    "seg_promising_action": "Show your bestsellers with a small offer to bring them back.",
    "seg_need_attention_action": "Send a limited-time offer before they drift away.",
    "seg_about_to_sleep_action": "Remind them of you with a popular item and a discount.",
    "seg_at_risk_action": "Win them back with a personal message and a strong offer.",
    "seg_cant_lose_action": "Your big spenders are leaving: contact them personally with your best reward.",
    "seg_hibernating_action": "Try one low-cost offer; do not spend much on this group.",
    "seg_no_purchase_action": "Invite them to a first purchase with a welcome offer.",
    "seg_chart_title": "Customer groups (RFM)",
    "seg_chart_subtitle": "As of {date} · {total:,} members",
    "seg_chart_footer": "R = how recently · F = how often · M = how much they spend",
    "seg_tap_hint": "As of {date}. Tap a group to see it.",
    "seg_refreshing": "Updating the customer groups. Type segments again in a minute.",
    "seg_first_time": "The customer groups are being worked out for the first time. Type segments again in a minute.",
    "seg_unknown": "That group does not exist. Type segments to see them all.",
    "seg_size": "Members: {n:,} ({share} of all)",
    "seg_spend": "Spend: {total} in total, {average} per member",
    "seg_reachable": "On LINE and accepting offers: {n:,}",
    "seg_action": "Suggested: {action}",
    "seg_broadcast_button": "Broadcast to this group",
    "qr_broadcast": "Broadcast",
    "cmd_broadcast": "broadcast",
    "qr_seg_refresh": "Update groups",
    "cmd_seg_refresh": "segments refresh",
    "bc_pick": "Who should get the message? Type the numbers of the groups (e.g. 1 3 5). Counts are people on LINE who accept offers.",
    "bc_pick_numbers": "Please type the numbers of the groups from the list, e.g. 1 3 5.",
    "bc_ask_message": "To: {audience}.\nType the message customers will get. You can also send a photo to go with it.",
    "bc_ask_text": "Please type the message text.",
    "bc_photo_added": "Photo added. Now type the message text.",
    "bc_photo_unreadable": "I could not use that photo. Please send a JPEG or PNG picture.",
    "bc_preview_intro": "Preview: customers will get the next {n} message(s) exactly like this.",
    "bc_to": "To: {audience}",
    "bc_chosen": "In these groups on LINE: {n:,}",
    "bc_reachable": "Accept offers and still follow the shop: {n:,}",
    "bc_held_out": "Held out, get nothing ({percent}%, to compare): {n:,}",
    "bc_receiving": "Will receive it: {n:,}",
    "bc_quota": "LINE quota: uses {n:,} messages. This month {used:,} of {limit:,} used, {left:,} left (checked {when}).",
    "bc_quota_unlimited": "LINE quota: uses {n:,} messages ({used:,} used this month, no limit).",
    "bc_quota_unknown": "LINE quota: uses {n:,} messages (what is left is being checked; ask for the preview again to see it).",
    "bc_quota_short": "Not enough quota: only {left:,} messages are left this month, so some people would not get it.",
    "bc_confirm_hint": "Send it, test it on yourself first, edit the text, or cancel. Type holdout 0-50 to change the hold-out.",
    "bc_coupon_hint": "Attach a coupon, one per recipient: type coupon <number> ({rewards}).",
    "qr_bc_send": "Send",
    "cmd_bc_send": "send",
    "qr_bc_test": "Test on me",
    "cmd_bc_test": "broadcast test",
    "qr_bc_edit": "Edit text",
    "cmd_bc_edit": "edit",
    "qr_bc_no_photo": "Remove photo",
    "cmd_bc_no_photo": "no photo",
    "qr_bc_no_holdout": "No hold-out",
    "cmd_bc_no_holdout": "holdout 0",
    "bc_holdout_too_big": "The hold-out can be at most {most}%.",
    "bc_coupon_unknown": "There is no reward with that number.",
    "bc_test_sent": "Sent to you only. Check it, then send it or edit it.",
    "bc_queued": "Broadcast #{id} is on its way to about {n:,} people. I will tell you when it is done.",
    "bc_nothing_to_test": "There is no broadcast being written. Type broadcast to start one.",
    "bc_report_usage": "Type: campaign report <number>, e.g. campaign report 3",
    "bc_report_not_found": "There is no broadcast #{id}.",
    "bc_report_title": "Broadcast #{id} ({status})",
    "bc_report_sent": "Sent: {n:,}",
    "bc_report_failed": "Failed: {n:,} ({why})",
    "bc_report_skipped": "Skipped: {n:,} ({why})",
    "bc_report_held_out": "Held out: {n:,}",
    "bc_report_returned": "Bought again within 14 days: recipients {recipients} ({bought:,} of {members:,}), hold-out {hold_out} ({held_bought:,} of {held_members:,})",
    "bc_report_so_far": "The 14 days are not over yet (until {until}): these are the numbers so far.",
    "bc_report_coupons": "Coupons used: {n:,}",
    "bc_status_queued": "waiting",
    "bc_status_sending": "sending",
    "bc_status_done": "done",
    "bc_none_yet": "No broadcasts yet. Type broadcast to send one.",
    "bc_list_title": "Latest broadcasts (number · when · state · recipients):",
    "bc_reason_unfollowed": "unfollowed",
    "bc_reason_opted_out": "stopped offers",
    "bc_reason_quota": "monthly quota used up",
    "bc_reason_line_error": "LINE kept failing",
    "bc_reason_refused": "LINE refused the message",
    "bc_reason_unknown": "other",
    "bc_finished": "Broadcast #{id} finished. Sent: {sent:,}",
    "bc_finished_failed": "Failed: {n:,} ({why})",
    "bc_finished_skipped": "Skipped: {n:,} ({why})",
    "bc_finished_held_out": "Held out on purpose: {n:,} ({percent}%)",
    "bc_finished_report": "In 14 days type campaign report {id} to see who came back.",
}
