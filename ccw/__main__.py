from ccw.cli import main

main()
