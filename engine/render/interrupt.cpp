// SIGINT/SIGTERM -> a flag the render loop polls; the second signal terminates.
#include "engine/render/interrupt.h"

#include <atomic>
#include <csignal>

namespace nsrg {

namespace {
std::atomic<bool> interrupted{false};

extern "C" void on_interrupt(int signal_number) {
  if (interrupted.exchange(true)) {
    std::signal(signal_number, SIG_DFL);
    std::raise(signal_number);
  }
}
}  // namespace

void install_interrupt_handler() {
  std::signal(SIGINT, on_interrupt);
  std::signal(SIGTERM, on_interrupt);
}

bool interrupt_requested() {
  return interrupted.load();
}
void request_interrupt() {
  interrupted.store(true);
}
void clear_interrupt() {
  interrupted.store(false);
}

}  // namespace nsrg
