#!/bin/sh
# Renders a run's report.html to a PNG with headless Chromium (Debian's `chromium` package), as a reader's
# browser shows it: 1400 px wide, light scheme, scripts on.
#
#   tools/screenshot_report.sh [RUN_FOLDER] [OUT.png] [HEIGHT]
#
# Defaults: results/demo, RUN_FOLDER/report.png, 9000 px tall (headless Chromium captures the window, so the
# height bounds what is shown). Installs chromium with apt-get when it is missing and this runs as root;
# otherwise prints the command to run. The page references nothing outside the run folder, so the render
# needs no network.
set -eu
run=${1:-results/demo}
out=${2:-$run/report.png}
height=${3:-9000}
page="$run/report.html"
[ -f "$page" ] || { echo "no $page; run bench (or bench report $run) first" >&2; exit 1; }
browser=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$browser" ]; then
    if [ "$(id -u)" = "0" ]; then
        echo "Installing Debian's chromium"
        DEBIAN_FRONTEND=noninteractive apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
        browser=$(command -v chromium)
    else
        echo "chromium is missing; install it with: sudo apt-get install -y chromium" >&2
        exit 1
    fi
fi
absolute=$(cd "$(dirname "$page")" && pwd)/$(basename "$page")
# --no-sandbox: root in a container has no user namespace for the sandbox; the page is our own file.
"$browser" --headless --no-sandbox --disable-gpu --hide-scrollbars --force-color-profile=srgb \
    --window-size=1400,"$height" --screenshot="$out" "file://$absolute" 2>/dev/null
echo "$out: $page at 1400 x $height px"
