"""The chat simulator's routes on the fake platform: the persona endpoints (`simulator_api`)
and the rich menu ones (`simulator_menus`), with one answer for a refused request."""

from __future__ import annotations

from flask import Response, jsonify

from bot.demo.fakeline.server import FakeLine
from bot.demo.fakeline.simulator_api import Persona, SimulatorApi, SimulatorError
from bot.demo.fakeline.simulator_menus import install_menus


def install(
    fake: FakeLine,
    personas: list[Persona],
    *,
    basic_id: str,
    image_origins: dict[str, str],
) -> SimulatorApi:
    """Add the simulator's routes to `fake.app`; call before the fake answers any request."""
    api = SimulatorApi(fake, personas, basic_id=basic_id, image_origins=image_origins)
    app = fake.app
    app.add_url_rule("/_sim/personas", "sim_personas", api.personas_view, methods=["GET"])
    app.add_url_rule("/_sim/poll", "sim_poll", api.poll, methods=["GET"])
    app.add_url_rule("/_sim/say", "sim_say", api.say, methods=["POST"])
    app.add_url_rule("/_sim/tap", "sim_tap", api.tap, methods=["POST"])
    app.add_url_rule("/_sim/follow", "sim_follow", api.follow, methods=["POST"])
    app.add_url_rule("/_sim/unfollow", "sim_unfollow", api.unfollow, methods=["POST"])
    app.add_url_rule("/_sim/image", "sim_image", api.image, methods=["POST"])
    app.add_url_rule("/_sim/content/<message_id>", "sim_content", api.content, methods=["GET"])
    app.add_url_rule("/_sim/sms", "sim_sms_list", api.sms, methods=["GET"])
    app.add_url_rule("/_sim/scan", "sim_scan", api.scan, methods=["POST"])

    install_menus(api)

    @app.errorhandler(SimulatorError)
    def _refused(error: SimulatorError) -> tuple[Response, int]:
        return jsonify(ok=False, error=str(error)), error.status

    return api
