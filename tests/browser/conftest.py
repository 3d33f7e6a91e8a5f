"""Browser journeys wait for the server like a patient user: a busy CI machine files slowly."""

from playwright.sync_api import expect

expect.set_options(timeout=30_000)
