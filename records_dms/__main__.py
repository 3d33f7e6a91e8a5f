from records_dms.cli import main

raise SystemExit(main())
