# CPack: one package, "natter", holding everything `cmake --install` installs
# (programs, shared and static libraries, headers, CMake package, pkg-config
# files, desktop and service files, docs).
#
#   Linux:   .deb (DEB) and .tar.gz (TGZ)
#   Windows: NSIS installer (.exe, when makensis is found) and .zip, from the
#            mingw-w64 cross build
#
# From the build directory:
#   cpack --config CPackConfig.cmake -B <dir>            every generator below
#   cpack --config CPackConfig.cmake -B <dir> -G DEB     one of them
#
# The .deb installs under /usr whatever CMAKE_INSTALL_PREFIX is; paths compiled
# into the programs follow CMAKE_INSTALL_PREFIX, so a tree meant for packaging is
# best configured with -DCMAKE_INSTALL_PREFIX=/usr (which also gives the Debian
# multiarch libdir, lib/<triplet>). The .tar.gz and .zip are relocatable trees
# (bin/, lib/, include/, share/) under one top-level directory
# natter-<version>-<system>/. Binaries are stripped (CPACK_STRIP_FILES).

set(CPACK_PACKAGE_NAME "natter")
set(CPACK_PACKAGE_VENDOR "The Natter developers")
set(CPACK_PACKAGE_CONTACT "The Natter developers <natter@natter.invalid>")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_HOMEPAGE_URL ${PROJECT_HOMEPAGE_URL})
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "IRC chat: server, terminal client and desktop app")
set(CPACK_PACKAGE_DESCRIPTION
"Natter is a small IRC chat system: natterd, an IRC server; natter-cli, a
terminal client; and Natter, a GTK 4 + libadwaita desktop client (where built).
Also included: the libraries they are built on, libnp (portable sockets over
BSD sockets and Winsock) and libnatter (the IRC chat core), shared and static,
with headers, a CMake package and pkg-config files.")
set(CPACK_PACKAGE_INSTALL_DIRECTORY "Natter")
set(CPACK_PACKAGE_CHECKSUM SHA256)
set(CPACK_STRIP_FILES ON)
set(CPACK_VERBATIM_VARIABLES ON)
set(CPACK_COMPONENTS_GROUPING ALL_COMPONENTS_IN_ONE)
if(EXISTS ${PROJECT_SOURCE_DIR}/LICENSE)
  set(CPACK_RESOURCE_FILE_LICENSE ${PROJECT_SOURCE_DIR}/LICENSE)
endif()
set(CPACK_RESOURCE_FILE_README ${PROJECT_SOURCE_DIR}/README.md)

# Documentation: NATTER_DOC_DIR, share/doc/natter (packaging/CMakeLists.txt);
# on Debian, copyright is the licence.
install(FILES ${PROJECT_SOURCE_DIR}/README.md DESTINATION ${NATTER_DOC_DIR})
if(EXISTS ${PROJECT_SOURCE_DIR}/LICENSE)
  install(FILES ${PROJECT_SOURCE_DIR}/LICENSE DESTINATION ${NATTER_DOC_DIR})
  if(NOT WIN32)
    install(FILES ${PROJECT_SOURCE_DIR}/LICENSE DESTINATION ${NATTER_DOC_DIR}
            RENAME copyright)
  endif()
endif()

# `cpack --config CPackSourceConfig.cmake`: the sources without build trees.
set(CPACK_SOURCE_GENERATOR TGZ)
set(CPACK_SOURCE_PACKAGE_FILE_NAME "natter-${PROJECT_VERSION}")
set(CPACK_SOURCE_IGNORE_FILES "/\\.git/" "/build[^/]*/" "/\\.cache/" "~$")

if(WIN32)
  # ---- Windows (mingw-w64) -------------------------------------------------
  set(CPACK_GENERATOR ZIP)
  find_program(NATTER_MAKENSIS NAMES makensis)
  if(NATTER_MAKENSIS)
    list(PREPEND CPACK_GENERATOR NSIS)
    set(CPACK_NSIS_EXECUTABLE ${NATTER_MAKENSIS})
    # A 64-bit installer for the 64-bit programs (NSIS's default stub is 32-bit,
    # which a 64-bit-only Wine cannot even start).
    set(CPACK_NSIS_DEFINES "  Target amd64-unicode")
  endif()

  # The mingw runtime DLLs the programs and libraries import (libwinpthread-1.dll
  # and the like, found through the compiler's library search path) go into bin/
  # beside them, so the .exe files run on a Windows that has no mingw. Worked out
  # at install time from the import tables (objdump -p), recursively; Windows'
  # own DLLs (KERNEL32.dll, WS2_32.dll, msvcrt.dll...) are not in that path.
  find_program(NATTER_MINGW_OBJDUMP NAMES ${CMAKE_OBJDUMP} ${NATTER_MINGW_PREFIX}-objdump objdump)
  install(CODE "
    set(objdump \"${NATTER_MINGW_OBJDUMP}\")
    set(cc \"${CMAKE_C_COMPILER}\")
    set(bindir \"\$ENV{DESTDIR}\${CMAKE_INSTALL_PREFIX}/${CMAKE_INSTALL_BINDIR}\")
    file(GLOB todo \"\${bindir}/*.exe\" \"\${bindir}/*.dll\")
    set(seen \"\")
    while(todo)
      list(POP_FRONT todo f)
      execute_process(COMMAND \"\${objdump}\" -p \"\${f}\" OUTPUT_VARIABLE dump RESULT_VARIABLE rc)
      if(NOT rc EQUAL 0)
        message(FATAL_ERROR \"objdump -p \${f} failed\")
      endif()
      string(REGEX MATCHALL \"DLL Name: [^\\r\\n]+\" names \"\${dump}\")
      foreach(n \${names})
        string(REGEX REPLACE \"DLL Name: \" \"\" dll \"\${n}\")
        string(TOLOWER \"\${dll}\" key)
        list(FIND seen \"\${key}\" idx)   # (no IN_LIST: install scripts run with old policies)
        if(idx GREATER -1 OR EXISTS \"\${bindir}/\${dll}\")
          continue()
        endif()
        list(APPEND seen \${key})
        execute_process(COMMAND \"\${cc}\" -print-file-name=\${dll}
                        OUTPUT_VARIABLE path OUTPUT_STRIP_TRAILING_WHITESPACE)
        if(IS_ABSOLUTE \"\${path}\" AND EXISTS \"\${path}\")
          message(STATUS \"Installing mingw runtime: \${bindir}/\${dll} (from \${path})\")
          file(COPY \"\${path}\" DESTINATION \"\${bindir}\")
          list(APPEND todo \"\${bindir}/\${dll}\")
        endif()
      endforeach()
    endwhile()
  ")

  # NSIS: installs into Program Files\\Natter, offers to put bin\\ on PATH
  # (natter-cli and natterd are command-line programs), and adds Start-menu
  # entries for a command prompt in bin\\ and for the README; uninstaller included.
  set(CPACK_NSIS_PACKAGE_NAME "Natter ${PROJECT_VERSION}")
  set(CPACK_NSIS_DISPLAY_NAME "Natter ${PROJECT_VERSION}")
  set(CPACK_NSIS_INSTALL_ROOT "$PROGRAMFILES64")
  set(CPACK_PACKAGE_INSTALL_REGISTRY_KEY "Natter")
  set(CPACK_NSIS_MODIFY_PATH ON)
  set(CPACK_NSIS_ENABLE_UNINSTALL_BEFORE_INSTALL ON)
  set(CPACK_NSIS_CONTACT "natter@natter.invalid")
  set(CPACK_NSIS_URL_INFO_ABOUT ${PROJECT_HOMEPAGE_URL})
  set(CPACK_NSIS_HELP_LINK ${PROJECT_HOMEPAGE_URL})
  set(CPACK_NSIS_MANIFEST_DPI_AWARE ON)
  string(REPLACE "/" "\\" _natter_doc_dir_win "${NATTER_DOC_DIR}")
  set(CPACK_NSIS_CREATE_ICONS_EXTRA
    "CreateShortCut '$SMPROGRAMS\\$STARTMENU_FOLDER\\Natter command prompt.lnk' '$SYSDIR\\cmd.exe' '/K cd /d \"$INSTDIR\\bin\" && natter-cli --help'"
    "CreateShortCut '$SMPROGRAMS\\$STARTMENU_FOLDER\\Natter README.lnk' '$INSTDIR\\${_natter_doc_dir_win}\\README.md'")
  set(CPACK_NSIS_DELETE_ICONS_EXTRA
    "Delete '$SMPROGRAMS\\$START_MENU\\Natter command prompt.lnk'"
    "Delete '$SMPROGRAMS\\$START_MENU\\Natter README.lnk'")
  string(REPLACE ";" "\n" CPACK_NSIS_CREATE_ICONS_EXTRA "${CPACK_NSIS_CREATE_ICONS_EXTRA}")
  string(REPLACE ";" "\n" CPACK_NSIS_DELETE_ICONS_EXTRA "${CPACK_NSIS_DELETE_ICONS_EXTRA}")
else()
  # ---- Linux (and other Unix) ------------------------------------------------
  set(CPACK_GENERATOR TGZ)
  find_program(NATTER_DPKG_DEB NAMES dpkg-deb)
  if(NATTER_DPKG_DEB)
    list(PREPEND CPACK_GENERATOR DEB)
  endif()

  set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)          # natter_<version>_<arch>.deb
  set(CPACK_DEBIAN_PACKAGE_SECTION net)
  set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
  set(CPACK_DEBIAN_PACKAGE_HOMEPAGE ${PROJECT_HOMEPAGE_URL})
  # Depends from the ELF files' needs (dpkg-shlibdeps, package dpkg-dev): libc6,
  # and with the desktop app libgtk-4-1, libadwaita-1-0, libsqlite3-0, libglib2.0-0.
  # libnatter-np.so.N and libnatter.so.N ship in the package itself: dpkg-shlibdeps
  # finds them in the staging tree (PRIVATE_DIRS); a shlibs file is generated for
  # them, and debian/triggers runs ldconfig.
  set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
  set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS ON)
  set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS_POLICY ">=")
  string(REGEX REPLACE "^/" "" _natter_deb_libdir "/usr/${CMAKE_INSTALL_LIBDIR}")
  set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS_PRIVATE_DIRS ${_natter_deb_libdir})
  # Maintainer scripts, for natterd's service (packaging/service.cmake, which
  # sets NATTER_SYSUSERS_DIR where it installs one): the system user
  # (systemd-sysusers) and systemd's unit list (daemon-reload). The service is
  # never enabled or started by the package. /etc files are conffiles
  # (service.cmake writes that list: NATTER_DEB_CONFFILES).
  set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA "")
  if(NATTER_SYSUSERS_DIR)
    list(APPEND CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
         ${CMAKE_CURRENT_SOURCE_DIR}/debian/postinst
         ${CMAKE_CURRENT_SOURCE_DIR}/debian/postrm)
  endif()
  # The shared libraries: ldconfig runs through libc-bin's trigger (CPack's own
  # ldconfig calls go only into the postinst/postrm it writes when none is given).
  if(BUILD_SHARED_LIBS)
    list(APPEND CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA ${CMAKE_CURRENT_SOURCE_DIR}/debian/triggers)
  endif()
  if(NATTER_DEB_CONFFILES)
    list(APPEND CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA ${NATTER_DEB_CONFFILES})
  endif()
  set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
endif()

# Per-generator settings, read by cpack for each generator it runs: the .deb
# installs under /usr, archives stay relocatable (prefix = their top directory).
set(CPACK_PROJECT_CONFIG_FILE ${CMAKE_CURRENT_BINARY_DIR}/NatterCPackOptions.cmake)
file(CONFIGURE OUTPUT ${CPACK_PROJECT_CONFIG_FILE} CONTENT [[
# Generated by packaging/cpack.cmake: per-generator CPack settings.
if(CPACK_GENERATOR STREQUAL "DEB")
  set(CPACK_PACKAGING_INSTALL_PREFIX "/usr")
endif()
]])

include(CPack)
