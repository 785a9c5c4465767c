# natterd as a system service (included from packaging/CMakeLists.txt; Linux):
#
#   lib/systemd/system/natterd.service    the unit (packaging/natterd.service)
#   lib/sysusers.d/natterd.conf           the system user natterd
#   <sysconfdir>/natterd/natterd.conf     packaging/natterd.conf.example
#
# Where the configuration goes is decided when installing, from the prefix in
# force then (CPack's DEB generator installs with prefix /usr and DESTDIR, a
# plain `cmake --install --prefix X` with X), by GNUInstallDirs' rule: prefix
# /usr -> /etc, any other prefix -> PREFIX/etc (an absolute
# CMAKE_INSTALL_SYSCONFDIR is used as it is). The unit names natterd and its
# configuration by those same paths; inside CPack's archive staging
# (_CPack_Packages, for .tar.gz) it keeps /usr/bin and /etc, the paths of a
# system install. An existing configuration that differs from the example is
# kept (the example goes beside it as natterd.conf.example).
#
# For the .deb: /etc/natterd/natterd.conf must be a conffile. service.cmake
# writes the control file `conffiles` and leaves its path in
# NATTER_DEB_CONFFILES (for CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA in cpack.cmake).
if(NOT CMAKE_SYSTEM_NAME STREQUAL "Linux")
  return()
endif()

set(NATTER_SYSTEMD_UNIT_DIR lib/systemd/system)
set(NATTER_SYSUSERS_DIR lib/sysusers.d)

install(FILES ${CMAKE_CURRENT_SOURCE_DIR}/natterd.sysusers
        DESTINATION ${NATTER_SYSUSERS_DIR} RENAME natterd.conf)

set(NATTER_DEB_CONFFILES ${CMAKE_CURRENT_BINARY_DIR}/deb/conffiles)
file(CONFIGURE OUTPUT ${NATTER_DEB_CONFFILES} CONTENT "/etc/natterd/natterd.conf\n")

install(CODE "
set(_nd_unit_src \"${CMAKE_CURRENT_SOURCE_DIR}/natterd.service\")
set(_nd_conf_src \"${CMAKE_CURRENT_SOURCE_DIR}/natterd.conf.example\")
set(_nd_bindir \"${CMAKE_INSTALL_BINDIR}\")
set(_nd_sysconfdir \"${CMAKE_INSTALL_SYSCONFDIR}\")
set(_nd_unitdir \"${NATTER_SYSTEMD_UNIT_DIR}\")
")
install(CODE [[
string(REGEX REPLACE "/+$" "" _nd_prefix "${CMAKE_INSTALL_PREFIX}")
# Where the files go.
if(IS_ABSOLUTE "${_nd_sysconfdir}")
  set(_nd_etc "${_nd_sysconfdir}")
elseif(_nd_prefix STREQUAL "/usr")
  set(_nd_etc "/etc")
else()
  set(_nd_etc "${_nd_prefix}/${_nd_sysconfdir}")
endif()
# What the unit says: the same, except inside CPack's archive staging.
if(_nd_prefix MATCHES "/_CPack_Packages/")
  set(_nd_run_bin "/usr/bin")
  set(_nd_run_etc "/etc")
else()
  set(_nd_run_bin "${_nd_prefix}/${_nd_bindir}")
  set(_nd_run_etc "${_nd_etc}")
endif()

file(READ "${_nd_unit_src}" _nd_unit)
string(REPLACE "ExecStart=/usr/bin/natterd --config /etc/natterd/natterd.conf"
       "ExecStart=${_nd_run_bin}/natterd --config ${_nd_run_etc}/natterd/natterd.conf"
       _nd_unit "${_nd_unit}")
# Written in place (like file(INSTALL): DESTDIR, the message, the manifest).
set(_nd_unit_dest "${_nd_prefix}/${_nd_unitdir}/natterd.service")
message(STATUS "Installing: $ENV{DESTDIR}${_nd_unit_dest}")
file(WRITE "$ENV{DESTDIR}${_nd_unit_dest}" "${_nd_unit}")
list(APPEND CMAKE_INSTALL_MANIFEST_FILES "${_nd_unit_dest}")

set(_nd_conf "$ENV{DESTDIR}${_nd_etc}/natterd/natterd.conf")
set(_nd_keep FALSE)
if(EXISTS "${_nd_conf}")
  file(SHA256 "${_nd_conf}" _nd_have)
  file(SHA256 "${_nd_conf_src}" _nd_want)
  if(NOT _nd_have STREQUAL _nd_want)
    set(_nd_keep TRUE)
  endif()
endif()
if(_nd_keep)
  message(STATUS "Keeping the edited ${_nd_conf}")
  file(INSTALL DESTINATION "${_nd_etc}/natterd" TYPE FILE FILES "${_nd_conf_src}")
else()
  file(INSTALL DESTINATION "${_nd_etc}/natterd" TYPE FILE RENAME natterd.conf
       FILES "${_nd_conf_src}")
endif()
]])
