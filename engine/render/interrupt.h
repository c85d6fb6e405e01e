// Ctrl-C handling for renders: the first SIGINT/SIGTERM only raises a flag that the render
// loop polls, so it can save the current image before exiting; a second one ends the
// process at once.
#pragma once

namespace nsrg {

// Installs the handlers (idempotent).
void install_interrupt_handler();
bool interrupt_requested();
// For tests: raise or clear the flag as a signal would.
void request_interrupt();
void clear_interrupt();

}  // namespace nsrg
