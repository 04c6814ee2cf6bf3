from keras_fer.cli import main

raise SystemExit(main())
