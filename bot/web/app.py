"""The Flask app factory: webhook, media, privacy pages, POS API and health; nothing fake."""

from __future__ import annotations

import logging

from flask import Flask, Response, jsonify
from sqlalchemy import text
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException

from bot.jobs.queue import Jobs
from bot.jobs.schedule import make_jobs
from bot.services import Services, build
from bot.settings import ConfigError, Settings, load_settings
from bot.web import media, shell, webhook
from bot.web import pos_api as api
from bot.web import privacy_pages as privacy_web


def _settings_from_environment() -> Settings:
    """A missing or wrong setting stops the server with one line naming it, no traceback."""
    try:
        return load_settings()
    except ConfigError as error:
        logging.getLogger(__name__).error("%s", error)
        # 4 is gunicorn's "app failed to load": it shuts down instead of respawning workers.
        raise SystemExit(4) from None


def create_app(
    settings: Settings | None = None,
    services: Services | None = None,
    jobs: Jobs | None = None,
) -> Flask:
    """Build the web app. Settings come from the environment unless given; the services and
    the job queue are built from them unless given."""
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    if jobs is None:
        jobs = make_jobs(services or build(settings or _settings_from_environment()))
    services = jobs.services
    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = webhook.MAX_BODY
    shell.attach(app, jobs)
    app.url_map.converters["token"] = media.TokenConverter  # before the routes that use it
    app.register_blueprint(webhook.bp)
    app.register_blueprint(media.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(privacy_web.bp)

    @app.get("/healthz")
    def healthz() -> tuple[Response, int]:
        try:
            with services.engine.connect() as connection:
                connection.execute(text("SELECT 1"))
        except Exception:
            return jsonify(status="database unavailable"), 503
        return jsonify(status="ok"), 200

    @app.errorhandler(HTTPException)
    def plain_error(error: HTTPException) -> tuple[Response, int]:
        return jsonify(error=error.name, detail=error.description), error.code or 500

    @app.errorhandler(OperationalError)
    def database_unavailable(error: OperationalError) -> tuple[Response, int]:
        """The database is down or dropped the connection: 503, so the caller sends the
        request again (a till's Idempotency-Key makes that safe)."""
        logging.getLogger(__name__).warning("database unavailable: %s", error)
        body = jsonify(error="Service Unavailable", detail="the database is unavailable: try again")
        return body, 503

    return app
