// run_command: exceptions to exit statuses for the command-line programs.
#include "engine/core/command_main.h"

#include <exception>
#include <iostream>

#include "engine/core/error.h"

namespace nsrg {

int run_command(const std::function<int()>& body) {
  try {
    return body();
  } catch (const UserError& e) {
    std::cerr << "error: " << e.what() << std::endl;
    return 2;
  } catch (const Interrupted&) {
    std::cerr << "interrupted: the current image was saved" << std::endl;
    return 130;
  } catch (const std::exception& e) {
    std::cerr << "internal error: " << e.what() << std::endl;
    return 1;
  }
}

}  // namespace nsrg
