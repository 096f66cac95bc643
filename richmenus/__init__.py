"""Rich menus per role: layouts as data, pictures drawn with Pillow, deploy, per-user links.

- `layouts.MENUS`: every `Menu` (key, role, width, height, chat bar text, alias) with its
  `areas` (bounds, kind tile/tab/header, and a `button`: icon, label key of the catalogs,
  action `Say(command)`, `Postback(data)` or `SwitchTo(alias, data)`); `menu_for_role(role)`.
- `draw.picture(menu, look)`: the PNG bytes LINE receives (`look.Look`: name, colour, logo).
- `deploy.deploy(line, look, engine)`: make LINE show them (idempotent).
- `linking.link_for_role(line, engine, user_id, role)`: one person's menu after a role change.

Once deployed to the fake platform, `fake.richmenus.showing(user_id)` is the menu a user
sees (body and image) and `bot.demo.fakeline.richmenu_api.tap_area` taps it as LINE would.
"""
