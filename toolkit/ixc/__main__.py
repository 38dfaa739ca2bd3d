from ixc.cli import main

raise SystemExit(main())
