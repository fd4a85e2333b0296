import sys

try:
    from symbiosis.cli import main
except KeyboardInterrupt:  # Ctrl-C while the command line is still starting up
    sys.stderr.write("Interrupted; no output was written.\n")
    sys.exit(130)

main()
