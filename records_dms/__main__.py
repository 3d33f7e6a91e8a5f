from records_dms.cli.main import main

raise SystemExit(main())
