"""The web app: the webhook, media and privacy pages, the POS API."""
