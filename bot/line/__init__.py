"""The LINE Messaging API client the service sends through."""
