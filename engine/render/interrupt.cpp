// SIGINT/SIGTERM -> a flag the render loop polls; the second signal terminates.
#include "engine/render/interrupt.h"

#include <signal.h>

#include <atomic>

namespace nsrg {

namespace {
std::atomic<bool> interrupted{false};

extern "C" void on_interrupt(int signal_number) {
  if (interrupted.exchange(true)) {
    // Second Ctrl-C: default action (terminate) now.
    struct sigaction default_action {};
    default_action.sa_handler = SIG_DFL;
    sigemptyset(&default_action.sa_mask);
    sigaction(signal_number, &default_action, nullptr);
    raise(signal_number);
  }
}
}  // namespace

void install_interrupt_handler() {
  struct sigaction action {};
  action.sa_handler = on_interrupt;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESTART;  // file writes and fsync in progress are resumed, not failed
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
}

bool interrupt_requested() {
  return interrupted.load();
}

}  // namespace nsrg
