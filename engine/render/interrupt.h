// Ctrl-C handling for renders: the first SIGINT/SIGTERM only raises a flag that the render
// loop polls, so it can save the current image before exiting; a second one ends the
// process at once.
#pragma once

namespace nsrg {

// Installs the handlers (idempotent).
void install_interrupt_handler();
bool interrupt_requested();

}  // namespace nsrg
