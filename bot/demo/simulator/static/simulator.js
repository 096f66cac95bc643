/* The chat simulator: four people's LINE chats with the shop, driven through the fake LINE
   platform's /_sim API (proxied by the app under /simulator/api/). */
(function () {
  "use strict";

  const CONFIG = window.SIMULATOR;
  const POLL_MS = 1000;
  const PERSONA_COLORS = ["#F57FA8", "#4A90E2", "#F5A623", "#8E6CC9", "#50B7A8", "#E86A5A"];
  const ROLE_NAMES = { customer: "customer", staff: "cashier", owner: "owner" };
  const TIPS = {
    stranger: [["Add friend", null]],
    customer: [["แต้ม", "แต้ม"], ["บัตร", "บัตร"], ["ช่วยเหลือ", "ช่วยเหลือ"], ["language en", "language en"]],
    customer_en: [["points", "points"], ["card", "card"], ["help", "help"], ["language th", "language th"]],
    staff: [["award 0812345678 350", "award 0812345678 350"], ["member 0812345678", "member 0812345678"], ["help", "help"]],
    owner: [["staff invite", "staff invite"], ["staff list", "staff list"], ["help", "help"]],
  };
  const TIP_TEXT = {
    stranger: "This customer has not added the shop yet. Tap <b>Add friend</b>, as after scanning the shop's QR poster.",
    customer: "Tap the shop's <b>menu</b> at the bottom of the phone or the buttons above it. To type, tap the keyboard left of the menu bar; or try:",
    customer_en: "Tap the shop's <b>menu</b> at the bottom of the phone or the buttons above it. To type, tap the keyboard left of the menu bar; or try:",
    staff: "The cashier's menu has a <b>Counter</b> tab and a <b>My card</b> tab. To scan a member card, tap the keyboard, then the <b>QR button</b>, tap send and type the amount. Or try:",
    owner: "The owner's menu has <b>Manage</b>, <b>Counter</b> and <b>My card</b> tabs; everything a cashier does, and:",
  };

  const $ = (id) => document.getElementById(id);
  const state = {
    personas: [],
    current: null,
    chats: {},
    unread: {},
    pending: {},
    busy: {},
    drafts: {},
    phones: {},
    sms: [],
    smsSeen: 0,
    signature: "",
    menus: {},
    menuLoading: {},
    menuMode: {},
    menuOpen: {},
    menuSwitch: {},
  };

  // -- talking to the server -------------------------------------------------------------
  async function call(path, body) {
    const options = body === undefined ? {} : {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
    };
    const response = await fetch(CONFIG.api + path, options);
    let data = {};
    try { data = await response.json(); } catch (e) { data = {}; }
    if (!response.ok) throw new Error(data.error || data.detail || response.statusText);
    return data;
  }

  async function act(uid, path, body) {
    state.busy[uid] = (state.busy[uid] || 0) + 1;
    render();
    try {
      return await call(path, body);
    } catch (error) {
      toast(error.message || "The demo server is not answering.");
      state.pending[uid] = [];
      return null;
    } finally {
      state.busy[uid] -= 1;
      await poll();
    }
  }

  let polling = false;
  async function poll() {
    if (polling) return;
    polling = true;
    try {
      const since = state.personas.map((p) => `${p.id}:${(state.chats[p.id] || []).length}`).join(",");
      const data = await call(`poll?since=${encodeURIComponent(since)}&sms=${state.sms.length}`);
      absorb(data);
    } catch (error) {
      /* the next poll tries again */
    } finally {
      polling = false;
    }
  }

  function absorb(data) {
    let changed = false;
    if (JSON.stringify(data.personas) !== JSON.stringify(state.personas)) {
      state.personas = data.personas;
      for (const p of state.personas) {
        if (state.menuSwitch[p.id] === p.richmenu) delete state.menuSwitch[p.id];
        if (p.following && p.richmenu) loadMenu(p.richmenu);
      }
      changed = true;
    }
    for (const [uid, lines] of Object.entries(data.chats || {})) {
      const chat = state.chats[uid] || (state.chats[uid] = []);
      for (const line of lines) {
        if (line.index !== chat.length) continue;
        chat.push(line);
        changed = true;
        if (line.sender === "user" && (state.pending[uid] || []).length) state.pending[uid].shift();
        if (line.sender === "bot" && uid !== state.current) state.unread[uid] = (state.unread[uid] || 0) + 1;
      }
    }
    for (const sms of data.sms || []) {
      if (sms.index !== state.sms.length) continue;
      state.sms.push(sms);
      announceSms(sms);
      changed = true;
    }
    if (changed) render();
  }

  // -- actions a person takes in the chat ----------------------------------------------------
  function rememberPhone(uid, text) {
    const phone = toE164(text);
    if (phone) (state.phones[uid] || (state.phones[uid] = new Set())).add(phone);
  }

  function sendText(text) {
    const uid = state.current;
    text = (text || "").trim();
    if (!uid || !text) return;
    rememberPhone(uid, text);
    (state.pending[uid] || (state.pending[uid] = [])).push({ type: "text", text });
    return act(uid, "say", { user: uid, text });
  }

  function tapPostback(data, displayText) {
    const uid = state.current;
    if (displayText) (state.pending[uid] || (state.pending[uid] = [])).push({ type: "text", text: displayText });
    return act(uid, "tap", { user: uid, data, displayText: displayText || null });
  }

  function typeIn(text) {
    setMenuMode(state.current, "keyboard");
    const input = $("text");
    input.value = text;
    state.drafts[state.current] = text;
    updateSend();
    input.focus();
  }

  function runAction(action) {
    switch (action.type) {
      case "message": return sendText(action.text);
      case "postback": return tapPostback(action.data, action.displayText || action.text);
      case "uri": {
        const typed = oaMessageText(action.uri);
        if (typed !== null) return typeIn(typed);
        if (action.uri.startsWith("tel:")) return toast(`Calls ${action.uri.slice(4)}`);
        return window.open(imageUrl(action.uri), "_blank", "noopener");
      }
      case "camera":
      case "cameraRoll": return $("photo-file").click();
      default: return toast(`"${action.type}" actions are not part of the simulator.`);
    }
  }

  function oaMessageText(uri) {
    const match = /^https:\/\/line\.me\/R\/oaMessage\/([^/]+)\/\?(.*)$/.exec(uri || "");
    if (!match || decodeURIComponent(match[1]) !== CONFIG.basicId) return null;
    return decodeURIComponent(match[2]);
  }

  /* Like LINE's "standard" photo quality: big photos are scaled down before sending. */
  async function sendPhoto(file) {
    const uid = state.current;
    const dataUrl = await new Promise((resolve, reject) => {
      const reader = new FileReader();
      reader.onload = () => resolve(String(reader.result));
      reader.onerror = reject;
      reader.readAsDataURL(file);
    });
    const sent = file.size <= 600 * 1024 ? dataUrl : await scaledDown(dataUrl, 1280);
    return act(uid, "image", { user: uid, data: sent.split(",")[1] });
  }

  function scaledDown(dataUrl, longest) {
    return new Promise((resolve, reject) => {
      const img = new Image();
      img.onload = () => {
        const scale = Math.min(1, longest / Math.max(img.width, img.height));
        const canvas = document.createElement("canvas");
        canvas.width = Math.round(img.width * scale);
        canvas.height = Math.round(img.height * scale);
        canvas.getContext("2d").drawImage(img, 0, 0, canvas.width, canvas.height);
        resolve(canvas.toDataURL("image/jpeg", 0.85));
      };
      img.onerror = reject;
      img.src = dataUrl;
    });
  }

  // -- the QR reader ----------------------------------------------------------------------------
  function pictures(persona) {
    const found = [];
    for (const line of state.chats[persona.id] || []) {
      const m = line.message;
      if (m.type === "image" && m.id) found.push({ content_id: m.id, src: CONFIG.api + "content/" + m.id, label: "Photo" });
      else if (m.type === "image") found.push({ url: m.originalContentUrl, src: imageUrl(m.previewImageUrl || m.originalContentUrl), label: "Picture" });
      else if (m.type === "flex") {
        for (const url of Flex.images(m.contents)) found.push({ url, src: imageUrl(url), label: m.altText || "Card" });
      }
    }
    return found;
  }

  function openScanner() {
    const list = $("scan-list");
    list.innerHTML = "";
    const seen = new Set();
    const me = personaById(state.current);
    for (const persona of state.personas) {
      if (persona.id === state.current) continue;
      for (const picture of pictures(persona).reverse()) {
        const key = picture.url || picture.content_id;
        if (seen.has(key)) continue;
        seen.add(key);
        list.appendChild(scanItem(persona, picture, me));
      }
    }
    if (!list.children.length) {
      const empty = document.createElement("p");
      empty.className = "scan-empty";
      empty.textContent = "No codes on the other phones yet. Register a customer, or type บัตร (card) in a customer's chat.";
      list.appendChild(empty);
    }
    $("scanner").hidden = false;
  }

  function scanItem(owner, picture, me) {
    const item = document.createElement("div");
    item.className = "scan-item";
    item.dataset.owner = owner.label;
    const img = document.createElement("img");
    img.src = picture.src;
    img.alt = "";
    const words = document.createElement("div");
    words.className = "scan-words";
    words.innerHTML = `<b></b><span></span>`;
    words.querySelector("b").textContent = `On ${owner.label}'s phone`;
    words.querySelector("span").textContent = picture.label;
    const scan = document.createElement("button");
    scan.type = "button";
    scan.className = "scan-go";
    scan.textContent = `Scan with ${me ? me.name : "this phone"}`;
    scan.addEventListener("click", () => scanPicture(picture));
    const photo = document.createElement("button");
    photo.type = "button";
    photo.className = "scan-photo";
    photo.textContent = "Send as photo";
    photo.addEventListener("click", () => {
      $("scanner").hidden = true;
      act(state.current, "image", { user: state.current, url: picture.url, content_id: picture.content_id });
    });
    const buttons = document.createElement("div");
    buttons.className = "scan-buttons";
    buttons.append(scan, photo);
    words.appendChild(buttons);
    item.append(img, words);
    return item;
  }

  async function scanPicture(picture) {
    let result;
    try {
      result = await call("scan", { url: picture.url, content_id: picture.content_id });
    } catch (error) {
      return toast(error.message);
    }
    if (!result.found) return toast("No QR code in that picture.");
    $("scanner").hidden = true;
    if (result.text) {
      typeIn(result.text);
      toast("LINE opened the chat with the text typed in: tap send.");
    } else {
      toast(`QR code: ${result.content}`);
    }
  }

  // -- drawing ------------------------------------------------------------------------------------
  function personaById(uid) {
    return state.personas.find((p) => p.id === uid) || null;
  }

  function imageUrl(url) {
    if (url && url.startsWith(CONFIG.baseUrl + "/")) return url.slice(CONFIG.baseUrl.length);
    return url;
  }

  function clock(at) {
    // shop time (SHOP_TIMEZONE), whatever the browser's own time zone is
    const when = at ? new Date(at * 1000) : new Date();
    const shown = { hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZone: CONFIG.timeZone };
    return when.toLocaleTimeString("en-GB", shown);
  }

  function initial(name) {
    return (name || "?").trim().charAt(0).toUpperCase();
  }

  function render() {
    renderPersonas();
    const persona = personaById(state.current);
    if (!persona) return;
    const signature = JSON.stringify([
      persona.id, persona.following, (state.chats[persona.id] || []).length,
      state.pending[persona.id] || [], state.busy[persona.id] || 0,
    ]);
    if (signature !== state.signature) {
      state.signature = signature;
      renderChat(persona);
    }
    renderMenu(persona);
    renderSms();
    renderTips(persona);
  }

  function renderPersonas() {
    const nav = $("personas");
    const key = JSON.stringify([state.current, state.personas, state.unread]);
    if (nav.dataset.key === key) return;  // unchanged: a tap in progress lands where it began
    nav.dataset.key = key;
    nav.innerHTML = "";
    state.personas.forEach((persona, i) => {
      const tab = document.createElement("button");
      tab.type = "button";
      tab.className = "persona" + (persona.id === state.current ? " active" : "");
      tab.dataset.persona = persona.label;
      tab.setAttribute("aria-pressed", String(persona.id === state.current));
      const avatar = document.createElement("span");
      avatar.className = "persona-avatar";
      avatar.style.background = PERSONA_COLORS[i % PERSONA_COLORS.length];
      avatar.textContent = initial(persona.name);
      const words = document.createElement("span");
      words.className = "persona-words";
      const name = document.createElement("b");
      name.textContent = persona.label;
      const role = document.createElement("small");
      const status = persona.following ? "" : " · not a friend yet";
      role.textContent = `${ROLE_NAMES[persona.role] || persona.role} · ${persona.language}${status}`;
      words.append(name, role);
      tab.append(avatar, words);
      const unread = state.unread[persona.id] || 0;
      if (unread) {
        const badge = document.createElement("span");
        badge.className = "badge";
        badge.textContent = String(unread);
        tab.appendChild(badge);
      }
      tab.addEventListener("click", () => choose(persona.id));
      nav.appendChild(tab);
    });
  }

  function choose(uid) {
    if (state.current) state.drafts[state.current] = $("text").value;
    state.current = uid;
    state.unread[uid] = 0;
    state.signature = "";
    $("text").value = state.drafts[uid] || "";
    $("scanner").hidden = true;
    $("chat-menu").hidden = true;
    $("toast").hidden = true;
    $("sms-banner").hidden = true;
    updateSend();
    history.replaceState(null, "", "#" + encodeURIComponent(personaById(uid).label));
    render();
  }

  function renderChat(persona) {
    const chat = $("chat");
    const lines = state.chats[persona.id] || [];
    const stranger = !persona.following;
    $("friend-gate").hidden = !stranger;
    chat.hidden = stranger && lines.length === 0;
    document.querySelector(".composer").classList.toggle("disabled", stranger);
    $("text").disabled = stranger;
    $("gate-text").textContent = lines.length
      ? "You blocked this account. Add it again to chat with the shop."
      : "Collect points and get member rewards in LINE.";
    chat.innerHTML = "";
    const day = document.createElement("div");
    day.className = "day";
    day.textContent = "Today";
    chat.appendChild(day);
    const shown = lines.map((l) => ({ sender: l.sender, message: l.message, at: l.at, via: l.via }));
    for (const local of state.pending[persona.id] || []) shown.push({ sender: "user", message: local, at: Date.now() / 1000, pending: true });
    shown.forEach((line, i) => chat.appendChild(row(line, shown[i - 1], shown[i + 1])));
    if (state.busy[persona.id] && persona.following) chat.appendChild(typingRow());
    renderQuickReplies(persona, lines);
    chat.scrollTop = chat.scrollHeight;
    requestAnimationFrame(() => { chat.scrollTop = chat.scrollHeight; });
  }

  function sameGroup(a, b) {
    return a && b && a.sender === b.sender && clock(a.at) === clock(b.at);
  }

  function row(line, before, after) {
    const bot = line.sender === "bot";
    const node = document.createElement("div");
    node.className = `row ${bot ? "bot" : "me"}` + (sameGroup(before, line) ? "" : " first") + (line.pending ? " pending" : "");
    const showTime = !sameGroup(line, after);
    if (bot) {
      const avatar = document.createElement("div");
      avatar.className = "avatar";
      if (!sameGroup(before, line)) avatar.textContent = initial(CONFIG.shopName);
      else avatar.classList.add("blank");
      const column = document.createElement("div");
      column.className = "column";
      if (!sameGroup(before, line)) {
        const name = document.createElement("div");
        name.className = "sender";
        name.textContent = CONFIG.shopName;
        column.appendChild(name);
      }
      const wide = line.message.type === "flex" && line.message.contents.type === "carousel";
      if (wide) node.classList.add("wide");
      column.appendChild(withMeta(content(line.message, "bot"), showTime && !wide ? clock(line.at) : "", "", line.via));
      node.append(avatar, column);
    } else {
      const read = line.pending ? "" : "Read";
      node.appendChild(withMeta(content(line.message, "me"), showTime ? clock(line.at) : "", read, "user"));
    }
    return node;
  }

  function withMeta(bubble, time, read, via) {
    const line = document.createElement("div");
    line.className = "line";
    const meta = document.createElement("span");
    meta.className = "meta";
    if (via === "push" || via === "multicast" || via === "broadcast") meta.title = `sent by ${via}`;
    meta.innerHTML = (read ? `<span>${read}</span>` : "") + (time ? `<span>${time}</span>` : "");
    line.append(bubble, meta);
    return line;
  }

  function content(message, side) {
    const ctx = { onAction: runAction, imageUrl, onImage: (url) => view(imageUrl(url)) };
    switch (message.type) {
      case "text": {
        const bubble = document.createElement("div");
        bubble.className = "bubble text";
        linkify(bubble, message.text || "");
        return bubble;
      }
      case "image": {
        const img = document.createElement("img");
        img.className = "bubble picture";
        img.alt = "picture";
        img.src = message.id ? CONFIG.api + "content/" + message.id : imageUrl(message.previewImageUrl || message.originalContentUrl);
        img.addEventListener("click", () => view(message.id ? img.src : imageUrl(message.originalContentUrl)));
        return img;
      }
      case "flex": {
        const holder = document.createElement("div");
        holder.className = "bubble flex";
        holder.appendChild(Flex.render(message.contents, ctx));
        return holder;
      }
      default: {
        const bubble = document.createElement("div");
        bubble.className = "bubble text other";
        bubble.textContent = message.altText || `[${message.type}]`;
        return bubble;
      }
    }
  }

  function linkify(node, text) {
    const parts = text.split(/(https?:\/\/[^\s]+)/g);
    parts.forEach((part, i) => {
      if (i % 2 === 0) {
        node.appendChild(document.createTextNode(part));
        return;
      }
      const link = document.createElement("a");
      link.textContent = part;
      link.href = imageUrl(part);
      link.target = "_blank";
      link.rel = "noopener";
      node.appendChild(link);
    });
  }

  function typingRow() {
    const node = document.createElement("div");
    node.className = "row bot first typing";
    node.innerHTML = `<div class="avatar"></div><div class="column"><div class="line"><div class="bubble text dots"><i></i><i></i><i></i></div></div></div>`;
    node.querySelector(".avatar").textContent = initial(CONFIG.shopName);
    return node;
  }

  function renderQuickReplies(persona, lines) {
    const bar = $("quick-replies");
    const last = lines[lines.length - 1];
    const items = last && last.sender === "bot" && !(state.pending[persona.id] || []).length &&
      persona.following && last.message.quickReply ? last.message.quickReply.items || [] : [];
    const key = JSON.stringify([persona.id, items]);
    if (bar.dataset.key === key) return;  // unchanged: keep the buttons a finger is on
    bar.dataset.key = key;
    bar.innerHTML = "";
    for (const item of items) {
      const pill = document.createElement("button");
      pill.type = "button";
      pill.className = "pill";
      if (item.imageUrl) {
        const icon = document.createElement("img");
        icon.src = imageUrl(item.imageUrl);
        icon.alt = "";
        pill.appendChild(icon);
      }
      pill.appendChild(document.createTextNode(item.action.label || ""));
      pill.addEventListener("click", () => runAction(item.action));
      bar.appendChild(pill);
    }
    bar.hidden = items.length === 0;
  }

  // -- the rich menu: what the fake platform says this persona's LINE app shows -------------------
  function loadMenu(id) {
    if (state.menus[id] || state.menuLoading[id]) return;
    state.menuLoading[id] = true;
    call(`richmenu/${encodeURIComponent(id)}`).then((data) => {
      const menu = data.menu;
      new Image().src = CONFIG.api + menu.image;
      state.menus[id] = menu;
      for (const area of menu.areas) if (area.switchesTo) loadMenu(area.switchesTo);
      render();
    }).catch(() => { /* the next poll asks again */ }).finally(() => { delete state.menuLoading[id]; });
  }

  function shownMenu(persona) {
    if (!persona.following) return null;
    const id = state.menuSwitch[persona.id] || persona.richmenu;
    if (!id) return null;
    loadMenu(id);
    return state.menus[id] || null;
  }

  function setMenuMode(uid, mode) {
    state.menuMode[uid] = mode;
    render();
    if (mode === "keyboard") $("text").focus();
  }

  function renderMenu(persona) {
    const menu = shownMenu(persona);
    const mode = menu ? state.menuMode[persona.id] || "menu" : "keyboard";
    const section = $("richmenu");
    const awaited = persona.following && persona.richmenu && !menu;
    document.body.dataset.menu = awaited ? "loading" : menu ? "shown" : "none";
    section.hidden = mode !== "menu";
    $("menu-mode-btn").hidden = !menu;
    document.querySelector(".composer").classList.toggle("menu-mode", mode === "menu");
    if (!menu) return;
    const open = state.menuOpen[persona.id] === undefined ? menu.selected : state.menuOpen[persona.id];
    $("menu-panel").hidden = !open;
    $("menubar-toggle").setAttribute("aria-expanded", String(open));
    section.querySelector(".caret").textContent = open ? "▾" : "▴";
    $("chatbar-text").textContent = menu.chatBarText;
    if (section.dataset.menu === menu.id) return;
    section.dataset.menu = menu.id;
    const panel = $("menu-panel");
    panel.style.aspectRatio = `${menu.size.width} / ${menu.size.height}`;
    $("menu-img").src = CONFIG.api + menu.image;
    const areas = $("menu-areas");
    areas.innerHTML = "";
    menu.areas.forEach((area, i) => areas.appendChild(menuArea(menu, area, i)));
  }

  function menuArea(menu, area, index) {
    const b = area.bounds;
    const node = document.createElement("button");
    node.type = "button";
    node.className = "menu-area";
    node.dataset.area = String(index);
    node.setAttribute("aria-label", area.action.label || area.action.text || area.action.type);
    node.title = area.action.label || "";
    node.style.left = `${(100 * b.x) / menu.size.width}%`;
    node.style.top = `${(100 * b.y) / menu.size.height}%`;
    node.style.width = `${(100 * b.width) / menu.size.width}%`;
    node.style.height = `${(100 * b.height) / menu.size.height}%`;
    node.addEventListener("click", () => tapMenu(menu, area, index));
    return node;
  }

  /* What the LINE app does on a tap: say the text, send the postback (showing its display
     text), or switch to the aliased menu at once and tell the bot. The fake platform does
     the sending (`tap_area`), so the bot gets what LINE would send. */
  async function tapMenu(menu, area, index) {
    const uid = state.current;
    const action = area.action;
    const pending = state.pending[uid] || (state.pending[uid] = []);
    if (action.type === "uri") return runAction(action);
    if (action.type === "message") {
      rememberPhone(uid, action.text);
      pending.push({ type: "text", text: action.text });
    } else if (action.type === "postback" && action.displayText) {
      pending.push({ type: "text", text: action.displayText });
    } else if (action.type === "richmenuswitch" && area.switchesTo && state.menus[area.switchesTo]) {
      state.menuSwitch[uid] = area.switchesTo;
    }
    const done = await act(uid, "richmenu/tap", { user: uid, menu: menu.id, area: index });
    if (!done && state.menuSwitch[uid]) {
      delete state.menuSwitch[uid];
      render();
    }
  }

  function renderTips(persona) {
    let kind = !persona.following && persona.role === "customer" ? "stranger" : persona.role;
    if (kind === "customer" && persona.language === "en") kind = "customer_en";
    const box = $("tips");
    const key = kind + persona.id;
    if (box.dataset.key === key) return;
    box.dataset.key = key;
    box.innerHTML = `<h2>As ${escapeHtml(persona.label)}</h2><p>${TIP_TEXT[kind] || ""}</p>`;
    const chips = document.createElement("div");
    chips.className = "chips";
    for (const [label, text] of TIPS[kind] || []) {
      const chip = document.createElement("button");
      chip.type = "button";
      chip.className = "chip";
      chip.textContent = label;
      chip.addEventListener("click", () => (text === null ? $("add-friend").click() : typeIn(text)));
      chips.appendChild(chip);
    }
    box.appendChild(chips);
  }

  function renderSms() {
    const list = $("sms");
    if (list.dataset.count === String(state.sms.length) && list.dataset.for === state.current) return;
    list.dataset.count = String(state.sms.length);
    list.dataset.for = state.current;
    list.innerHTML = "";
    if (!state.sms.length) {
      list.innerHTML = `<p class="empty">No text messages yet.</p>`;
      return;
    }
    for (const sms of [...state.sms].reverse()) {
      const owner = phoneOwner(sms.to);
      const item = document.createElement("div");
      item.className = "sms" + (owner && owner.id === state.current ? " mine" : "");
      item.innerHTML = `<div class="sms-to"><b></b><small></small></div><div class="sms-text"></div>`;
      item.querySelector("b").textContent = prettyPhone(sms.to);
      item.querySelector("small").textContent = owner ? `${owner.label}'s phone` : "";
      item.querySelector(".sms-text").textContent = sms.text;
      list.appendChild(item);
    }
  }

  function announceSms(sms) {
    const owner = phoneOwner(sms.to);
    if (owner && owner.id !== state.current) {
      toast(`${owner.label}'s phone got a text message`);
      return;
    }
    const banner = $("sms-banner");
    banner.innerHTML = `<div class="sms-app"><span class="sms-icon"></span>MESSAGES<span class="sms-now">now</span></div><b></b><div></div>`;
    banner.querySelector("b").textContent = prettyPhone(sms.to);
    banner.querySelector("div:last-child").textContent = sms.text;
    banner.hidden = false;
    clearTimeout(announceSms.timer);
    announceSms.timer = setTimeout(() => { banner.hidden = true; }, 5000);
  }

  function phoneOwner(phone) {
    return state.personas.find((p) => state.phones[p.id] && state.phones[p.id].has(phone)) || null;
  }

  function toE164(text) {
    const cleaned = text.replace(/[\s\-().]/g, "");
    if (/^\+66\d{8,9}$/.test(cleaned)) return cleaned;
    if (/^66\d{8,9}$/.test(cleaned)) return "+" + cleaned;
    if (/^0\d{8,9}$/.test(cleaned)) return "+66" + cleaned.slice(1);
    return null;
  }

  function prettyPhone(phone) {
    const match = /^\+66(\d{1,2})(\d{3})(\d{4})$/.exec(phone || "");
    return match ? `0${match[1]}-${match[2]}-${match[3]}` : phone;
  }

  function escapeHtml(text) {
    const node = document.createElement("span");
    node.textContent = text;
    return node.innerHTML;
  }

  function view(src) {
    $("viewer-img").src = src;
    $("viewer").hidden = false;
  }

  function toast(message) {
    const node = $("toast");
    node.textContent = message;
    node.hidden = false;
    clearTimeout(toast.timer);
    toast.timer = setTimeout(() => { node.hidden = true; }, 3200);
  }

  function updateSend() {
    $("send").disabled = !$("text").value.trim();
    $("send").classList.toggle("ready", !$("send").disabled);
  }

  // -- wiring -------------------------------------------------------------------------------------
  function wire() {
    const input = $("text");
    input.addEventListener("input", updateSend);
    input.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && !event.isComposing) {
        event.preventDefault();
        $("send").click();
      }
    });
    $("send").addEventListener("click", () => {
      const text = input.value;
      input.value = "";
      state.drafts[state.current] = "";
      updateSend();
      sendText(text);
    });
    $("add-friend").addEventListener("click", () => act(state.current, "follow", { user: state.current }));
    $("menu-btn").addEventListener("click", () => { $("chat-menu").hidden = !$("chat-menu").hidden; });
    $("block-btn").addEventListener("click", () => {
      $("chat-menu").hidden = true;
      const persona = personaById(state.current);
      if (persona && persona.following) act(state.current, "unfollow", { user: state.current });
    });
    $("scan-btn").addEventListener("click", openScanner);
    $("keyboard-btn").addEventListener("click", () => setMenuMode(state.current, "keyboard"));
    $("menu-mode-btn").addEventListener("click", () => {
      state.menuOpen[state.current] = true;
      setMenuMode(state.current, "menu");
    });
    $("menubar-toggle").addEventListener("click", () => {
      const open = $("menubar-toggle").getAttribute("aria-expanded") === "true";
      state.menuOpen[state.current] = !open;
      render();
    });
    $("scanner-close").addEventListener("click", () => { $("scanner").hidden = true; });
    $("photo-btn").addEventListener("click", () => $("photo-file").click());
    $("photo-file").addEventListener("change", (event) => {
      const file = event.target.files[0];
      event.target.value = "";
      if (file) sendPhoto(file);
    });
    $("viewer").addEventListener("click", () => { $("viewer").hidden = true; });
    $("sms-banner").addEventListener("click", () => { $("sms-banner").hidden = true; });
    $("gate-avatar").textContent = initial(CONFIG.shopName);
    const tick = () => { $("clock").textContent = clock(); };
    tick();
    setInterval(tick, 10000);
  }

  async function start() {
    wire();
    const data = await call("personas");
    state.personas = data.personas;
    const wanted = decodeURIComponent(location.hash.slice(1));
    const first = state.personas.find((p) => p.label === wanted) || state.personas[0];
    choose(first.id);
    await poll();
    setInterval(poll, POLL_MS);
  }

  start();
})();
