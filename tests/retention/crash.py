"""Run in a separate process by the crash test: a destruction killed half way."""

from __future__ import annotations

import os
import signal
import sys

from tests.concurrency import setup_django


def destruction_killed_after_first_delete(
    database_url: str, data_dir: str, request_id: int
) -> None:
    """Execute a destruction request and die (SIGKILL) right after the first stored file is
    deleted, before the database learns of it: the state a power cut leaves behind."""
    setup_django(database_url, data_dir)
    from django.contrib.auth import get_user_model
    from django.core.files.storage import FileSystemStorage

    from retention.models import DestructionRequest
    from retention.services.destruction import destruction_request_execute
    from tests.retention.helpers import two_witnesses

    real_delete = FileSystemStorage.delete

    def delete_then_die(self: FileSystemStorage, name: str) -> None:
        real_delete(self, name)
        os.kill(os.getpid(), signal.SIGKILL)

    FileSystemStorage.delete = delete_then_die  # type: ignore[method-assign,assignment]
    clerk = get_user_model().objects.get(username="clerk")
    destruction_request_execute(
        witnesses=two_witnesses(),
        request=DestructionRequest.objects.get(pk=request_id),
        actor=clerk,
    )


if __name__ == "__main__":
    destruction_killed_after_first_delete(sys.argv[1], sys.argv[2], int(sys.argv[3]))
