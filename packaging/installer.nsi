; 交付金評価デスク (Hyoka Desk): per-user installer, no administrator rights needed.
;
; Installs the PyInstaller one-folder build into %LOCALAPPDATA%\Programs\HyokaDesk,
; adds a Start-menu shortcut and registers the uninstaller under HKCU, so that staff on
; a locked-down PC can install and update it themselves. The evaluation files and
; settings in %APPDATA%\HyokaDesk are never touched, neither here nor by the uninstaller.
;
; Normally run through the helper, which fills in the defines:
;   python packaging/build_installer.py --build-dir dist\hyoka-desk
; By hand (the script is UTF-8):
;   makensis -INPUTCHARSET UTF8 -DBUILD_DIR=dist\hyoka-desk -DVERSION=0.1.0
;            -DVI_VERSION=0.1.0.0 -DOUTFILE=dist\HyokaDesk-0.1.0-setup.exe packaging\installer.nsi
;
; Defines:
;   BUILD_DIR      the folder pyinstaller made (required)
;   VERSION        the app version, desktop.__version__ (required)
;   VI_VERSION     four numbers for the version resource (default: VERSION.0)
;   OUTFILE        the installer to write (default: HyokaDesk-VERSION-setup.exe)
;   ICON           installer icon (default: resources\icons\hyoka-desk.ico)
;   FAST           zlib instead of solid LZMA: for CI, where only compiling matters
;   SIGN_COMMAND   a command with %1 for the file, to sign the uninstaller and the
;                  installer as makensis writes them (see packaging/README.md)

; 64-bit, Unicode. The app is 64-bit only (Qt for Windows ships x64 alone), so the
; installer may be too: it then also runs under a 64-bit-only Wine, which is how CI
; installs and uninstalls it (packaging/windows_ci.sh). On 32-bit Windows it refuses to
; start rather than install a program that could not run.
Target amd64-unicode

!ifndef BUILD_DIR
  !error "BUILD_DIR がありません。-DBUILD_DIR=<pyinstaller が作ったフォルダ> を指定してください。"
!endif
!ifndef VERSION
  !error "VERSION がありません。-DVERSION=<版> を指定してください。"
!endif
!ifndef VI_VERSION
  !define VI_VERSION "${VERSION}.0"
!endif
!ifndef OUTFILE
  !define OUTFILE "HyokaDesk-${VERSION}-setup.exe"
!endif
!ifndef ICON
  !define ICON "${__FILEDIR__}\..\resources\icons\hyoka-desk.ico"
!endif

; The build must hold the program itself; catch a wrong BUILD_DIR at compile time.
!if /FileExists "${BUILD_DIR}\hyoka-desk.exe"
!else if /FileExists "${BUILD_DIR}\hyoka-desk"
  ; A Linux build (CI): compiles, but cannot make a working Windows installer.
!else
  !error "BUILD_DIR=${BUILD_DIR} に hyoka-desk.exe がありません。先に pyinstaller build.spec を実行してください。"
!endif

!define APP_ID "HyokaDesk"
!define APP_NAME "交付金評価デスク"
!define APP_EXE "hyoka-desk.exe"
!define APP_CLI_EXE "hyoka-desk-cli.exe"
!define PUBLISHER "Hyoka Desk"
!define SHORTCUT "$SMPROGRAMS\${APP_NAME}.lnk"
!define SETTINGS_KEY "Software\${APP_ID}"
!define UNINSTALL_KEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\${APP_ID}"

!ifdef SIGN_COMMAND
  ; Inner executables are signed before pyinstaller's output reaches us; these two run
  ; as makensis writes the uninstaller and then the installer: the installer is last.
  !uninstfinalize '${SIGN_COMMAND}'
  !finalize '${SIGN_COMMAND}'
!endif

Name "${APP_NAME}"
OutFile "${OUTFILE}"
; Per user: never ask for elevation. Everything below writes only to the user's profile
; and HKCU.
RequestExecutionLevel user
InstallDir "$LOCALAPPDATA\Programs\${APP_ID}"
InstallDirRegKey HKCU "${SETTINGS_KEY}" "InstallDir"
ManifestDPIAware true
ShowInstDetails show
ShowUninstDetails show
!ifdef FAST
  SetCompressor zlib
!else
  SetCompressor /SOLID lzma
!endif

!include "MUI2.nsh"
!include "FileFunc.nsh"
!include "LogicLib.nsh"

!define MUI_ICON "${ICON}"
!define MUI_UNICON "${ICON}"
!define MUI_ABORTWARNING
!define MUI_FINISHPAGE_RUN "$INSTDIR\${APP_EXE}"
!define MUI_FINISHPAGE_RUN_TEXT "${APP_NAME}を起動する"

!insertmacro MUI_PAGE_WELCOME
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_PAGE_FINISH
!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_INSTFILES
!insertmacro MUI_LANGUAGE "Japanese"

VIProductVersion "${VI_VERSION}"
VIFileVersion "${VI_VERSION}"
VIAddVersionKey /LANG=${LANG_JAPANESE} "ProductName" "${APP_NAME}"
VIAddVersionKey /LANG=${LANG_JAPANESE} "ProductVersion" "${VERSION}"
VIAddVersionKey /LANG=${LANG_JAPANESE} "FileVersion" "${VI_VERSION}"
VIAddVersionKey /LANG=${LANG_JAPANESE} "FileDescription" "${APP_NAME} インストーラー"
VIAddVersionKey /LANG=${LANG_JAPANESE} "CompanyName" "${PUBLISHER}"
VIAddVersionKey /LANG=${LANG_JAPANESE} "LegalCopyright" "© Hyoka Desk contributors (MIT License)"

; A running program keeps its files locked: ask the user to close it rather than leave
; a half-replaced installation behind.
!macro WAIT_UNTIL_CLOSED
  ${Do}
    ${IfNot} ${FileExists} "$INSTDIR\${APP_EXE}"
      ${Break}
    ${EndIf}
    ClearErrors
    FileOpen $0 "$INSTDIR\${APP_EXE}" a
    ${IfNot} ${Errors}
      FileClose $0
      ${Break}
    ${EndIf}
    ${If} ${Cmd} `MessageBox MB_RETRYCANCEL|MB_ICONEXCLAMATION "${APP_NAME}が起動しています。$\r$\n終了してから「再試行」を押してください。" /SD IDCANCEL IDCANCEL`
      Abort
    ${EndIf}
  ${Loop}
!macroend

Function .onInit
  SetShellVarContext current
FunctionEnd

Section "${APP_NAME}" SecApp
  SectionIn RO
  SetShellVarContext current
  SetOutPath "$INSTDIR"
  !insertmacro WAIT_UNTIL_CLOSED
  ; Replace the previous version's program files completely (a catalog dropped from the
  ; new version must not linger), but only the folders this installer put there.
  RMDir /r "$INSTDIR\_internal"
  File /r "${BUILD_DIR}\*"
  WriteUninstaller "$INSTDIR\uninstall.exe"

  CreateShortcut "${SHORTCUT}" "$INSTDIR\${APP_EXE}" "" "$INSTDIR\${APP_EXE}" 0

  WriteRegStr HKCU "${SETTINGS_KEY}" "InstallDir" "$INSTDIR"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayName" "${APP_NAME}"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "Publisher" "${PUBLISHER}"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayIcon" "$INSTDIR\${APP_EXE},0"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "UninstallString" '"$INSTDIR\uninstall.exe"'
  WriteRegStr HKCU "${UNINSTALL_KEY}" "QuietUninstallString" '"$INSTDIR\uninstall.exe" /S'
  WriteRegDWORD HKCU "${UNINSTALL_KEY}" "NoModify" 1
  WriteRegDWORD HKCU "${UNINSTALL_KEY}" "NoRepair" 1
  ${GetSize} "$INSTDIR" "/S=0K" $0 $1 $2
  IntFmt $0 "0x%08X" $0
  WriteRegDWORD HKCU "${UNINSTALL_KEY}" "EstimatedSize" "$0"
SectionEnd

Function un.onInit
  SetShellVarContext current
FunctionEnd

Section "Uninstall"
  SetShellVarContext current
  !insertmacro WAIT_UNTIL_CLOSED
  Delete "${SHORTCUT}"
  ; Only what the installer put there; never RMDir /r "$INSTDIR" (the user may have
  ; chosen a folder that holds other files). Evaluation files live elsewhere.
  Delete "$INSTDIR\${APP_EXE}"
  Delete "$INSTDIR\${APP_CLI_EXE}"
  RMDir /r "$INSTDIR\_internal"
  Delete "$INSTDIR\uninstall.exe"
  RMDir "$INSTDIR"
  DeleteRegKey HKCU "${UNINSTALL_KEY}"
  DeleteRegKey HKCU "${SETTINGS_KEY}"
SectionEnd
